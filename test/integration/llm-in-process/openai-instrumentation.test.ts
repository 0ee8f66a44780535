/**
 * The real openai SDK, patched in process, calling a local LLM server (cases that make no call
 * are test/unit/openai/instrumentation.test.ts).
 */
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DataPointType, MeterProvider } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { OPERATION_DURATION_BUCKETS, TOKEN_USAGE_BUCKETS } from '../../../instrumentations/genai';
import { OpenAIInstrumentation } from '../../../instrumentations/openai';
import type { OpenAIInstrumentationConfig } from '../../../instrumentations/openai';
import { inProcessInstrumentationTests } from '../../support/llm-in-process';
import {
  collectGenAiHistograms,
  explodingTracerProvider,
  TestReader,
} from '../../support/llm-instrumentation';

// The real openai 7 package, patched through the instrumentation's own module definition (no
// require hook involved, so each test controls exactly when patching happens).
const requireHere = createRequire(__filename);
const openai = requireHere('openai') as {
  OpenAI: new (options: Record<string, unknown>) => OpenAIClient;
  Chat: { Completions: { prototype: { create: unknown } } };
};
// openai's `exports` hides package.json: read it next to the resolved entry.
const OPENAI_VERSION = (
  JSON.parse(
    readFileSync(join(dirname(requireHere.resolve('openai')), 'package.json'), 'utf8'),
  ) as {
    version: string;
  }
).version;
interface OpenAIClient {
  chat: {
    completions: {
      create(body: unknown, options?: unknown): Promise<unknown> & AsyncIterable<unknown>;
    };
  };
}

const { exporter, tracerProvider, diagLines, server, instrument } = inProcessInstrumentationTests({
  create: (config: OpenAIInstrumentationConfig = {}) =>
    new OpenAIInstrumentation({ enabled: false, ...config }),
  exports: openai,
  version: OPENAI_VERSION,
});

function client(): OpenAIClient {
  return new openai.OpenAI({ apiKey: 'sk-test', baseURL: `${server().url}/v1`, maxRetries: 0 });
}

const messages = [{ role: 'user', content: 'hi' }];

describe('OpenAIInstrumentation in process', () => {
  it("records gen_ai.client.* histograms with the conventions' bucket boundaries", async () => {
    const reader = new TestReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const inst = instrument();
    inst.setMeterProvider(meterProvider);
    await client().chat.completions.create({ model: 'gpt-4o', messages });
    await client()
      .chat.completions.create(
        { model: 'gpt-4o', messages },
        { headers: { 'x-llm-scenario': 'error-500' } },
      )
      .catch(() => undefined);
    const { usage, duration } = await collectGenAiHistograms(reader);
    expect(usage.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(usage.descriptor.unit).toBe('{token}');
    expect(duration.descriptor.unit).toBe('s');
    const input = usage.dataPoints.find((p) => p.attributes['gen_ai.token.type'] === 'input')!;
    expect(input.value.buckets.boundaries).toEqual(TOKEN_USAGE_BUCKETS);
    expect(input.value.sum).toBe(1200);
    expect(input.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o',
    });
    expect(duration.dataPoints).toHaveLength(2);
    expect(duration.dataPoints[0]!.value.buckets.boundaries).toEqual(OPERATION_DURATION_BUCKETS);
    const failed = duration.dataPoints.find((p) => p.attributes['error.type'] !== undefined)!;
    expect(failed.attributes['error.type']).toBe('InternalServerError');
    await meterProvider.shutdown();
  });

  it('a failure inside our code is reported through diag and never reaches the app', async () => {
    instrument({}, explodingTracerProvider());
    const result = (await client().chat.completions.create({ model: 'gpt-4o', messages })) as {
      id: string;
    };
    expect(result.id).toBe('chatcmpl-ok');
    const text = diagLines.join('\n');
    expect(text).toContain('SL_GENAI_INSTRUMENTATION_FAILED');
    expect(text).not.toContain('sk-secret');
  });

  it('includeStreamUsage: false sends the request as written', async () => {
    instrument({ includeStreamUsage: false });
    const before = server().requests.length;
    const stream = (await client().chat.completions.create({
      model: 'gpt-4o',
      messages,
      stream: true,
    })) as AsyncIterable<unknown>;
    for await (const _ of stream) void _;
    expect(server().requests[before]!.body).not.toHaveProperty('stream_options');
    const span = exporter.getFinishedSpans()[0]!;
    expect(span.attributes).not.toHaveProperty('gen_ai.usage.input_tokens');
    expect(span.attributes['sprintlens.stream.outcome']).toBe('completed');
  });

  it("the caller's request object is never modified", async () => {
    instrument();
    const body = { model: 'gpt-4o', messages, stream: true as const };
    const stream = (await client().chat.completions.create(body)) as AsyncIterable<unknown>;
    for await (const _ of stream) void _;
    expect(body).toEqual({ model: 'gpt-4o', messages, stream: true });
    expect(server().requests.at(-1)!.body).toMatchObject({
      stream_options: { include_usage: true },
    });
  });

  it('prices from pricesFile and the prices option', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sl-prices-')), 'prices.json');
    writeFileSync(file, JSON.stringify({ models: { 'house-model': { input: 1, output: 2 } } }));
    instrument({ pricesFile: file, prices: { 'other-model': { input: 10, output: 10 } } });
    await client().chat.completions.create({ model: 'house-model', messages });
    await client().chat.completions.create({ model: 'other-model-2025-01-01', messages });
    const [house, other] = exporter.getFinishedSpans();
    expect(house!.attributes['sprintlens.cost.usd']).toBeCloseTo((1200 * 1 + 300 * 2) / 1e6, 12);
    expect(other!.attributes['sprintlens.cost.usd']).toBeCloseTo((1500 * 10) / 1e6, 12);
  });

  it('content capture honours contentMaxChars and redaction options', async () => {
    instrument({
      captureContent: true,
      contentMaxChars: 4,
      redaction: { patterns: [{ kind: 'greeting', pattern: /Hello/ }] },
    });
    await client().chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi there' }],
    });
    const span = exporter.getFinishedSpans()[0]!;
    expect(JSON.parse(span.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'hi t…[truncated]' }] },
    ]);
    expect(
      JSON.parse(span.attributes['gen_ai.output.messages'] as string)[0].parts[0].content,
    ).toBe('[RED…[truncated]');
  });

  it('an invalid redaction option: spans without content, and one warning', async () => {
    instrument({
      captureContent: true,
      redaction: { patterns: [{ kind: '', pattern: /secret/ }] },
    });
    await client().chat.completions.create({ model: 'gpt-4o', messages });
    const stream = (await client().chat.completions.create({
      model: 'gpt-4o',
      messages,
      stream: true,
    })) as AsyncIterable<unknown>;
    for await (const _ of stream) void _;
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['chat gpt-4o', 'chat gpt-4o']);
    for (const span of spans) {
      expect(span.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(span.attributes).not.toHaveProperty('gen_ai.input.messages');
      expect(span.attributes).not.toHaveProperty('gen_ai.output.messages');
    }
    const warnings = diagLines.filter((l) => l.includes('SL_CONFIG_INVALID_OPTION_TYPE'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('redaction');
    expect(warnings[0]).toContain('non-empty string `kind`');
    expect(diagLines.join('\n')).not.toContain('SL_GENAI_INSTRUMENTATION_FAILED');
  });

  it("spans are parented to the caller's active span", async () => {
    instrument();
    const tracer = tracerProvider.getTracer('app');
    await tracer.startActiveSpan('parent', async (parent) => {
      await client().chat.completions.create({ model: 'gpt-4o', messages });
      parent.end();
    });
    const spans = exporter.getFinishedSpans();
    const chat = spans.find((s) => s.name === 'chat gpt-4o')!;
    const parent = spans.find((s) => s.name === 'parent')!;
    expect(chat.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  });
});
