import { trace } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { GenAiCall, PriceBook, SHIPPED_PRICES, computeCost } from '../../../instrumentations/genai';
import type { GenAiTelemetry, ModelPrice } from '../../../instrumentations/genai';
import { LlmUsage, MAX_ERROR_TYPES } from '../../../instrumentations/genai/usage-metrics';
import type { UsageMeasurement } from '../../../instrumentations/genai/usage-metrics';
import { SelfMetrics } from '../../../src/base/self-metrics';

/** `name{labels} value` lines of an exposition, labels in the order prom-client writes them. */
async function samples(registry: Registry): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const line of (await registry.metrics()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

function call(over: Partial<UsageMeasurement> = {}): UsageMeasurement {
  return {
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4o',
    errorType: undefined,
    usage: { inputTokens: 100, outputTokens: 20, cacheReadTokens: 40 },
    costUsd: 0.0005,
    ...over,
  };
}

/** A ledger as a source of self-metrics of its own (not the process's). */
function fresh(maxModels?: number): { usage: LlmUsage; registry: Registry } {
  const usage = new LlmUsage(maxModels);
  const metrics = new SelfMetrics();
  metrics.add(usage);
  return { usage, registry: metrics.registry };
}

describe('LLM usage metrics', () => {
  it('counts calls, errors, tokens by type and cost per provider, operation and model', async () => {
    const { usage, registry } = fresh();
    usage.record(call());
    usage.record(call({ usage: { inputTokens: 1, outputTokens: 2, cacheWriteTokens: 3 } }));
    usage.record(call({ errorType: 'RateLimitError', usage: {}, costUsd: undefined }));
    usage.record(call({ provider: 'anthropic', model: 'claude-3-5-sonnet', costUsd: 0.25 }));
    const s = await samples(registry);
    const gpt = 'provider="openai",operation="chat",model="gpt-4o"';
    expect(s.get(`sprintlens_llm_calls_total{${gpt}}`)).toBe(3);
    expect(s.get(`sprintlens_llm_errors_total{${gpt},error_type="RateLimitError"}`)).toBe(1);
    expect(s.get(`sprintlens_llm_tokens_total{${gpt},type="input"}`)).toBe(101);
    expect(s.get(`sprintlens_llm_tokens_total{${gpt},type="output"}`)).toBe(22);
    expect(s.get(`sprintlens_llm_tokens_total{${gpt},type="cache_read"}`)).toBe(40);
    expect(s.get(`sprintlens_llm_tokens_total{${gpt},type="cache_write"}`)).toBe(3);
    expect(s.get(`sprintlens_llm_cost_usd_total{${gpt}}`)).toBeCloseTo(0.001, 12);
    // A failed call without usage is not "unpriced": there was nothing to price.
    expect(s.get(`sprintlens_llm_unpriced_calls_total{${gpt}}`)).toBe(0);
    const claude = 'provider="anthropic",operation="chat",model="claude-3-5-sonnet"';
    expect(s.get(`sprintlens_llm_calls_total{${claude}}`)).toBe(1);
    expect(s.get(`sprintlens_llm_cost_usd_total{${claude}}`)).toBe(0.25);
    expect(s.get(`sprintlens_llm_errors_total{${claude},error_type="RateLimitError"}`)).toBe(
      undefined,
    );
    expect(s.get('sprintlens_llm_model_overflow_total')).toBe(0);
  });

  it('a model without a price counts as unpriced, and an unknown model as "unknown"', async () => {
    const { usage, registry } = fresh();
    usage.record(call({ model: 'my-finetune', costUsd: undefined }));
    usage.record(call({ model: undefined, costUsd: undefined }));
    const s = await samples(registry);
    expect(
      s.get(
        'sprintlens_llm_unpriced_calls_total{provider="openai",operation="chat",model="my-finetune"}',
      ),
    ).toBe(1);
    expect(
      s.get(
        'sprintlens_llm_cost_usd_total{provider="openai",operation="chat",model="my-finetune"}',
      ),
    ).toBe(0);
    expect(
      s.get('sprintlens_llm_calls_total{provider="openai",operation="chat",model="unknown"}'),
    ).toBe(1);
  });

  it('caps models: later ones are counted under model="other", and the overflow is counted', async () => {
    const { usage, registry } = fresh(3);
    for (let i = 0; i < 10; i++) usage.record(call({ model: `m${i}` }));
    usage.record(call({ model: 'm0' })); // a known model keeps its own series
    usage.record(call({ model: 'm9', operation: 'embeddings' }));
    const s = await samples(registry);
    const calls = [...s].filter(([k]) => k.startsWith('sprintlens_llm_calls_total'));
    expect(new Map(calls)).toEqual(
      new Map([
        ['sprintlens_llm_calls_total{provider="openai",operation="chat",model="m0"}', 2],
        ['sprintlens_llm_calls_total{provider="openai",operation="chat",model="m1"}', 1],
        ['sprintlens_llm_calls_total{provider="openai",operation="chat",model="m2"}', 1],
        ['sprintlens_llm_calls_total{provider="openai",operation="chat",model="other"}', 7],
        ['sprintlens_llm_calls_total{provider="openai",operation="embeddings",model="other"}', 1],
      ]),
    );
    expect(s.get('sprintlens_llm_model_overflow_total')).toBe(8);
    // Tokens of folded calls are not lost.
    expect(
      s.get(
        'sprintlens_llm_tokens_total{provider="openai",operation="chat",model="other",type="input"}',
      ),
    ).toBe(700);
    expect(usage.records()).toHaveLength(5);
  });

  it('caps error types per model and cuts very long label values', async () => {
    const { usage, registry } = fresh();
    for (let i = 0; i < MAX_ERROR_TYPES + 5; i++) {
      usage.record(call({ errorType: `Error${i}`, usage: {} }));
    }
    const long = 'x'.repeat(500);
    usage.record(call({ model: long }));
    const s = await samples(registry);
    const errors = [...s.keys()].filter((k) => k.startsWith('sprintlens_llm_errors_total'));
    expect(errors).toHaveLength(MAX_ERROR_TYPES + 1);
    expect(
      s.get(
        'sprintlens_llm_errors_total{provider="openai",operation="chat",model="gpt-4o",error_type="_OTHER"}',
      ),
    ).toBe(5);
    const longLabels = [...s.keys()].filter((k) => k.includes('xxxx'));
    expect(longLabels.length).toBeGreaterThan(0);
    for (const key of longLabels) expect(key).not.toContain('x'.repeat(129));
  });

  it('never lets a bad number reach a counter (NaN, negative, infinite)', async () => {
    const { usage, registry } = fresh();
    usage.record(
      call({
        usage: { inputTokens: Number.NaN, outputTokens: -5, cacheReadTokens: Infinity },
        costUsd: Number.NaN,
      }),
    );
    const s = await samples(registry);
    const gpt = 'provider="openai",operation="chat",model="gpt-4o"';
    expect(s.get(`sprintlens_llm_calls_total{${gpt}}`)).toBe(1);
    expect(s.get(`sprintlens_llm_tokens_total{${gpt},type="input"}`)).toBe(0);
    expect(s.get(`sprintlens_llm_tokens_total{${gpt},type="output"}`)).toBe(0);
    expect(s.get(`sprintlens_llm_tokens_total{${gpt},type="cache_read"}`)).toBe(0);
    expect(s.get(`sprintlens_llm_cost_usd_total{${gpt}}`)).toBe(0);
  });
});

describe('LLM usage from GenAiCall (the one place OpenAI and Anthropic calls end)', () => {
  const { usage: llmUsage, registry: sdkRegistry } = fresh();
  const telemetry: GenAiTelemetry = {
    tracer: trace.getTracer('test'),
    metrics: undefined,
    prices: new PriceBook([SHIPPED_PRICES]),
    content: undefined,
    usage: llmUsage,
  };
  const find = (provider: string, model: string) =>
    llmUsage.records().find((r) => r.provider === provider && r.model === model);

  it('a successful call adds its usage and cost under the requested model', async () => {
    const model = 'gpt-4o-2024-08-06';
    const c = new GenAiCall(telemetry, {
      operation: 'chat',
      provider: 'openai',
      requestModel: model,
      attributes: {},
    });
    c.responseModel = model;
    Object.assign(c, { inputTokens: 1200, outputTokens: 300, cacheReadTokens: 200 });
    c.end();
    c.end(); // once only
    const record = find('openai', model);
    expect(record).toMatchObject({
      calls: 1,
      inputTokens: 1200,
      outputTokens: 300,
      cacheReadTokens: 200,
      unpriced: 0,
    });
    const price = SHIPPED_PRICES['gpt-4o'] as ModelPrice;
    expect(record?.costUsd).toBeCloseTo(computeCost(price, c) as number, 12);
    const text = await sdkRegistry.getSingleMetricAsString('sprintlens_llm_calls_total');
    expect(text).toContain(
      `sprintlens_llm_calls_total{provider="openai",operation="chat",model="${model}"} 1`,
    );
  });

  it('a failed call counts as a call and an error of its type', () => {
    const c = new GenAiCall(telemetry, {
      operation: 'chat',
      provider: 'anthropic',
      requestModel: 'claude-test-failure',
      attributes: {},
    });
    class RateLimitError extends Error {}
    c.fail(new RateLimitError('slow down'));
    const record = find('anthropic', 'claude-test-failure');
    expect(record?.calls).toBe(1);
    expect(record?.errors).toEqual(new Map([['RateLimitError', 1]]));
  });
});
