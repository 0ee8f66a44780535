/**
 * The wiring of log sampling: from the resolved configuration (start()), from a caller's options
 * (createLogSamplingProcessor), and the metrics a running sampling adds and leaves behind.
 */
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { resetDiagRateLimits } from '../../../src/base/diag';
import { selfMetrics } from '../../../src/base/self-metrics';
import { resolveConfig } from '../../../src/config/resolve';
import {
  createLogSampling,
  createLogSamplingProcessor,
} from '../../../src/sampling/create-log-sampling-processor';
import type { LogSampling } from '../../../src/sampling/create-log-sampling-processor';
import { getActiveLogSampler } from '../../../src/sampling/log-sampler';
import {
  logSamplingFromConfig,
  samplingSettingsFromConfig,
} from '../../../src/sampling/log-sampling';
import { parsePolicy } from '../../../src/sampling/sampling-policy';

const open: LogSampling[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.shutdown()));
  diag.disable();
});

const noop = {
  onEmit: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/** 1/p of a line of `severityNumber` with a pattern seen often enough (past first occurrences). */
function sampleRate(s: LogSampling, severityNumber: number): number {
  for (let i = 0; i < 6; i++)
    s.sampler.decideRecord(severityNumber, `rate probe ${severityNumber}`, undefined, undefined);
  return s.sampler.outSampleRate;
}

async function metric(line: string): Promise<number | undefined> {
  const text = await selfMetrics().registry.metrics();
  const found = text.split('\n').find((l) => l.startsWith(line + ' '));
  return found === undefined ? undefined : Number(found.split(' ').pop());
}

describe('from the resolved configuration', () => {
  it('takes rates, scope, service and periods as resolved, and the backend with its headers', () => {
    const { config } = resolveConfig(
      { serviceName: 'billing', logSamplingScope: 'all', logRates: { DEBUG: 0.5 } },
      {
        env: {
          SPRINTLENS_ENDPOINT: 'https://lens.example.com/',
          SPRINTLENS_API_KEY: 'secret-key',
          SPRINTLENS_POLICY_REFRESH_SECONDS: '120',
        },
      },
    );
    const settings = samplingSettingsFromConfig(config);
    expect(settings.rates).toBe(config.logRates); // not parsed again: the resolved object
    expect(settings).toMatchObject({ scope: 'all', serviceName: 'billing' });
    expect(settings.policyRefreshSeconds).toBe(120);
    expect(settings.backend?.endpoint).toBe('https://lens.example.com');
    expect(settings.backend?.headers.authorization).toBe('Bearer secret-key');
    expect(settings.backend?.headers['user-agent']).toMatch(/^sprintlens-node\//);
  });

  it('collector mode: no backend; the sampling is built but not published', () => {
    const { config } = resolveConfig({ logRates: { INFO: 0.25 } }, { env: {} });
    expect(samplingSettingsFromConfig(config).backend).toBeUndefined();
    const s = logSamplingFromConfig(config, noop);
    open.push(s);
    expect(s.policyClient).toBeUndefined();
    expect(getActiveLogSampler()).toBeUndefined();
    expect(sampleRate(s, 9)).toBe(4);
  });
});

describe('from a caller’s options', () => {
  it('validates each given option once: an invalid one is reported and the default kept', () => {
    const warnings: string[] = [];
    const push = (...args: unknown[]): void => void warnings.push(args.map(String).join(' '));
    diag.setLogger(
      { error: push, warn: push, info: () => {}, debug: () => {}, verbose: () => {} },
      DiagLogLevel.WARN,
    );
    resetDiagRateLimits();
    const s = createLogSampling({ rates: { INFO: 2, DEBUG: 0.5 }, maxPatterns: -3 });
    open.push(s);
    expect(sampleRate(s, 9)).toBe(5); // INFO 2 refused: the default 0.2
    expect(sampleRate(s, 5)).toBe(2);
    expect(s.sampler.table.maxEntries).toBe(10_000);
    expect(warnings.filter((w) => w.includes('rates.INFO'))).toHaveLength(1);
    expect(warnings.filter((w) => w.includes('maxPatterns'))).toHaveLength(1);
  });

  it('createLogSamplingProcessor publishes its sampler until it shuts down', async () => {
    const processor = createLogSamplingProcessor({ downstream: noop });
    expect(getActiveLogSampler()).toBe(processor.sampler);
    await processor.shutdown();
    expect(getActiveLogSampler()).toBeUndefined();
  });
});

describe('metrics of a running sampling', () => {
  it('counters stay after shutdown, gauges go; equal policy versions are one series of 1', async () => {
    const policy = parsePolicy(JSON.stringify({ version: 'same-v' }));
    if (!policy.ok) throw new Error(policy.reason);
    const a = createLogSampling();
    const b = createLogSampling();
    a.sampler.setPolicy(policy.policy);
    b.sampler.setPolicy(policy.policy);
    const seen = 'sprintlens_log_sampler_records_seen_total{severity="FATAL"}';
    const before = (await metric(seen)) ?? 0;
    for (let i = 0; i < 7; i++) a.sampler.decideRecord(21, `fatal ${i}`, undefined, undefined);
    expect(await metric(seen)).toBe(before + 7);
    expect(await metric('sprintlens_log_sampler_policy_info{version="same-v"}')).toBe(1);
    const patterns = (await metric('sprintlens_log_sampler_patterns')) ?? 0;
    expect(patterns).toBeGreaterThanOrEqual(1);
    await a.shutdown();
    await b.shutdown();
    expect(await metric(seen)).toBe(before + 7); // retired, not lost
    expect(await metric('sprintlens_log_sampler_policy_info{version="same-v"}')).toBeUndefined();
    expect((await metric('sprintlens_log_sampler_patterns')) ?? 0).toBe(patterns - 1);
  });
});
