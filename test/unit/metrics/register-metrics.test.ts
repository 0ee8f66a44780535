import { Gauge, register as defaultRegistry, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../../exporters/transport/ledger';
import { transportMetrics } from '../../../exporters/transport/metrics';
import { LlmUsage } from '../../../instrumentations/genai/usage-metrics';
import { registerMetrics } from '../../../src/metrics/register-metrics';
import { selfMetrics } from '../../../src/base/self-metrics';
import { createLogSampling } from '../../../src/sampling/create-log-sampling-processor';
import type { PolicyClient } from '../../../src/sampling/policy-client';
import {
  registerPolicyRefresh,
  samplingMetricsSource,
} from '../../../src/sampling/sampler-metrics';

const sdkRegistry = selfMetrics().registry;
const removals: (() => void)[] = [];
const created: string[] = [];
/** A counter of the SDK: a self-metrics source with one value, as the SDK's parts add them. */
function sdkCounter(name: string): { inc(by?: number): void } {
  created.push(name);
  let value = 0;
  removals.push(
    selfMetrics().add({
      specs: [{ name, help: 'test metric of the SDK', type: 'counter' }],
      collect: (out) => out.add(name, value),
    }),
  );
  return { inc: (by = 1) => void (value += by) };
}

afterEach(() => {
  for (const remove of removals.splice(0)) remove();
  for (const name of created.splice(0)) defaultRegistry.removeSingleMetric(name);
});

describe('registerMetrics', () => {
  it('adds our metrics to prom-client’s default registry, twice without a duplicate error', async () => {
    sdkCounter('sprintlens_test_existing_total').inc(3);
    registerMetrics(defaultRegistry);
    expect(() => registerMetrics(defaultRegistry)).not.toThrow();
    const text = await defaultRegistry.metrics();
    expect(text).toContain('sprintlens_test_existing_total 3');
  });

  it('metrics created later appear in every registry it was given', async () => {
    const appRegistry = new Registry();
    registerMetrics(appRegistry);
    sdkCounter('sprintlens_test_later_total').inc();
    expect(await appRegistry.metrics()).toContain('sprintlens_test_later_total 1');
  });

  it('an app metric of the same name is kept, not replaced, and nothing throws', async () => {
    const appRegistry = new Registry();
    const mine = new Gauge({
      name: 'sprintlens_test_clash',
      help: 'the app’s own',
      registers: [appRegistry],
    });
    mine.set(42);
    sdkCounter('sprintlens_test_clash');
    expect(() => registerMetrics(appRegistry)).not.toThrow();
    expect(await appRegistry.metrics()).toContain('sprintlens_test_clash 42');
  });
});

describe('registerMetrics covers every SDK metric', () => {
  const EXPECTED = [
    'sprintlens_build_info',
    'sprintlens_llm_calls_total',
    'sprintlens_llm_errors_total',
    'sprintlens_llm_tokens_total',
    'sprintlens_llm_cost_usd_total',
    'sprintlens_llm_unpriced_calls_total',
    'sprintlens_llm_model_overflow_total',
    'sprintlens_exporter_received_records_total',
    'sprintlens_exporter_delivered_records_total',
    'sprintlens_exporter_dropped_records_total',
    'sprintlens_exporter_queued_records',
    'sprintlens_exporter_queued_bytes',
    'sprintlens_exporter_queue_max_bytes',
    'sprintlens_exporter_queue_max_records',
    'sprintlens_exporter_last_success_timestamp_seconds',
    'sprintlens_exporter_circuit_state',
    'sprintlens_log_sampler_records_seen_total',
    'sprintlens_log_sampler_policy_age_seconds',
    'sprintlens_log_sampler_policy_refresh_seconds',
  ];

  it('exporter, sampler and LLM metrics reach the default registry and an app registry, twice over', async () => {
    // Metrics created before and after the registration both arrive.
    const appRegistry = new Registry();
    registerMetrics(appRegistry);
    // The usage ledger, as an enabled LLM instrumentation adds it to the self-metrics.
    const llmUsage = new LlmUsage();
    const removeUsage = selfMetrics().add(llmUsage);
    llmUsage.record({
      provider: 'openai',
      operation: 'chat',
      model: 'gpt-4o-mini',
      errorType: undefined,
      usage: { inputTokens: 10, outputTokens: 5 },
      costUsd: 0.001,
    });
    const ledger = new Ledger();
    ledger.enqueued(2);
    const removeExporter = selfMetrics().add(
      transportMetrics({
        signal: 'traces',
        ledger,
        queue: { records: 2, bytes: 123 },
        bounds: { maxBytes: 1000, maxRecords: 10 },
        concurrencyLimit: () => 2,
        circuitState: () => 0,
      }),
    );
    // A running sampling's source, with a policy confirmed 12 s ago.
    const sampling = createLogSampling({ now: () => 100_000 });
    const client = { fetchFailures: 0, invalid: 0, confirmedAt: 88_000 } as PolicyClient;
    const unregisterSampler = selfMetrics().add(
      samplingMetricsSource({
        sampler: sampling.sampler,
        policyClient: client,
        reporter: undefined,
        now: () => 100_000,
      }),
    );
    const unregisterRefresh = registerPolicyRefresh(() => 300);
    try {
      registerMetrics(defaultRegistry);
      expect(() => registerMetrics(defaultRegistry)).not.toThrow();
      expect(() => registerMetrics(appRegistry)).not.toThrow();
      const sdkNames = sdkRegistry.getMetricsAsArray().map((m) => m.name);
      expect(sdkNames).toEqual(expect.arrayContaining(EXPECTED));
      for (const registry of [defaultRegistry, appRegistry]) {
        const names = registry.getMetricsAsArray().map((m) => m.name);
        expect(names).toEqual(expect.arrayContaining(sdkNames));
        const text = await registry.metrics();
        expect(text).toContain(
          'sprintlens_llm_calls_total{provider="openai",operation="chat",model="gpt-4o-mini"} 1',
        );
        expect(text).toContain('sprintlens_exporter_queued_records{signal="traces"} 2');
        expect(text).toContain('sprintlens_exporter_queued_bytes{signal="traces"} 123');
        expect(text).toContain('sprintlens_exporter_queue_max_bytes{signal="traces"} 1000');
        expect(text).toContain('sprintlens_log_sampler_policy_age_seconds 12');
        expect(text).toContain('sprintlens_log_sampler_policy_refresh_seconds 300');
      }
    } finally {
      removeUsage();
      removeExporter();
      unregisterSampler();
      await sampling.shutdown();
      unregisterRefresh();
      for (const name of sdkRegistry.getMetricsAsArray().map((m) => m.name)) {
        defaultRegistry.removeSingleMetric(name);
      }
    }
  });
});
