/**
 * The real @anthropic-ai/sdk, patched in process, calling a local LLM server (cases that make
 * no call are test/unit/anthropic/instrumentation.test.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DataPointType, MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { OPERATION_DURATION_BUCKETS, TOKEN_USAGE_BUCKETS } from '../../../instrumentations/genai';
import { AnthropicInstrumentation } from '../../../instrumentations/anthropic';
import type { AnthropicInstrumentationConfig } from '../../../instrumentations/anthropic';
import { inProcessInstrumentationTests } from '../../support/llm-in-process';
import {
  collectGenAiHistograms,
  explodingTracerProvider,
  TestReader,
} from '../../support/llm-instrumentation';

// The real @anthropic-ai/sdk 1.12 (which traces itself), patched through the instrumentation's
// own module definition, so each test controls exactly when patching happens.
const requireHere = createRequire(__filename);
const sdk = requireHere('@anthropic-ai/sdk') as {
  Anthropic: (new (options: Record<string, unknown>) => AnthropicClient) & {
    Messages: { prototype: { create: unknown; stream: unknown } };
  };
};
const Messages = sdk.Anthropic.Messages;
// The package's `exports` hides package.json: read it from the package folder.
const SDK_VERSION = (
  JSON.parse(
    readFileSync(join(__dirname, '../../../node_modules/@anthropic-ai/sdk/package.json'), 'utf8'),
  ) as { version: string }
).version;
const SDK_SCOPE = 'com.anthropic.sdk.typescript';

interface AnthropicClient {
  messages: {
    create(body: unknown, options?: unknown): Promise<unknown> & AsyncIterable<unknown>;
    stream(body: unknown, options?: unknown): { finalMessage(): Promise<unknown> };
  };
  models: { list(): Promise<unknown> };
}

// A global provider: what makes SDK 0.134+ trace itself.
const { exporter, tracerProvider, diagLines, server, instrument, unpatch } =
  inProcessInstrumentationTests({
    create: (config: AnthropicInstrumentationConfig = {}) =>
      new AnthropicInstrumentation({ enabled: false, ...config }),
    exports: sdk,
    version: SDK_VERSION,
    globalTracerProvider: true,
  });

function client(options: Record<string, unknown> = {}): AnthropicClient {
  return new sdk.Anthropic({
    apiKey: 'sk-ant-test',
    baseURL: server().url,
    maxRetries: 0,
    ...options,
  });
}

const body = {
  model: 'claude-haiku-4-5',
  max_tokens: 16,
  messages: [{ role: 'user', content: 'hi' }],
};

describe('AnthropicInstrumentation in process (SDK 1.12, global tracer provider)', () => {
  it('uninstrumented, the SDK traces messages.create itself (the baseline we replace)', async () => {
    await client().messages.create(body);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => [s.instrumentationScope.name, s.name])).toEqual([
      [SDK_SCOPE, 'anthropic.messages.create'],
    ]);
  });

  it('exactly one span per call: create, stream: true, stream(); other APIs keep SDK spans', async () => {
    instrument();
    const c = client();
    await c.messages.create(body);
    const stream = (await c.messages.create({ ...body, stream: true })) as AsyncIterable<unknown>;
    for await (const _ of stream) void _;
    await c.messages.stream(body).finalMessage();
    await c.models.list().catch(() => undefined);
    const spans = exporter.getFinishedSpans();
    const llmSpans = spans.filter((s) => s.name.endsWith('claude-haiku-4-5'));
    expect(llmSpans).toHaveLength(3);
    for (const s of llmSpans) {
      expect(s.instrumentationScope.name).toBe('sprintlens-instrumentation-anthropic');
      expect(s.name).toBe('chat claude-haiku-4-5');
    }
    // Only the call we do not instrument is traced by the SDK.
    const sdkSpans = spans.filter((s) => s.instrumentationScope.name === SDK_SCOPE);
    expect(sdkSpans.map((s) => s.name)).toEqual(['anthropic.models.list']);
  });

  it('also one span with the SDK tracing off, or with its own tracer provider', async () => {
    instrument();
    await client({ openTelemetry: false }).messages.create(body);
    const own = new InMemorySpanExporter();
    const ownProvider = new TracerProvider({
      spanProcessors: [new SimpleSpanProcessor({ exporter: own })],
    });
    await client({ openTelemetry: { tracerProvider: ownProvider } }).messages.create(body);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual([
      'chat claude-haiku-4-5',
      'chat claude-haiku-4-5',
    ]);
    expect(own.getFinishedSpans()).toEqual([]);
  });

  it("records gen_ai.client.* histograms with the conventions' bucket boundaries", async () => {
    const reader = new TestReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const inst = instrument();
    inst.setMeterProvider(meterProvider);
    await client().messages.create(body);
    await client()
      .messages.create(body, { headers: { 'x-llm-scenario': 'error-429' } })
      .catch(() => undefined);
    const { usage, duration } = await collectGenAiHistograms(reader);
    expect(usage.dataPointType).toBe(DataPointType.HISTOGRAM);
    const input = usage.dataPoints.find((p) => p.attributes['gen_ai.token.type'] === 'input')!;
    expect(input.value.buckets.boundaries).toEqual(TOKEN_USAGE_BUCKETS);
    expect(input.value.sum).toBe(1300);
    expect(input.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-haiku-4-5',
    });
    const output = usage.dataPoints.find((p) => p.attributes['gen_ai.token.type'] === 'output')!;
    expect(output.value.sum).toBe(300);
    expect(duration.dataPoints).toHaveLength(2);
    expect(duration.dataPoints[0]!.value.buckets.boundaries).toEqual(OPERATION_DURATION_BUCKETS);
    const failed = duration.dataPoints.find((p) => p.attributes['error.type'] !== undefined)!;
    expect(failed.attributes['error.type']).toBe('RateLimitError');
    await meterProvider.shutdown();
  });

  it('a failure inside our code is reported through diag and never reaches the app', async () => {
    instrument({}, explodingTracerProvider());
    const result = (await client().messages.create(body)) as { id: string };
    expect(result.id).toBe('msg_ok');
    const text = diagLines.join('\n');
    expect(text).toContain('SL_GENAI_INSTRUMENTATION_FAILED');
    expect(text).not.toContain('sk-secret');
  });

  it('content capture honours contentMaxChars and redaction options', async () => {
    instrument({
      captureContent: true,
      contentMaxChars: 4,
      redaction: { patterns: [{ kind: 'greeting', pattern: /Hello/ }] },
    });
    await client().messages.create({
      ...body,
      system: 'be brief',
      messages: [{ role: 'user', content: 'hi there' }],
    });
    const span = exporter.getFinishedSpans()[0]!;
    expect(JSON.parse(span.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'hi t…[truncated]' }] },
    ]);
    expect(JSON.parse(span.attributes['gen_ai.system_instructions'] as string)).toEqual([
      { type: 'text', content: 'be b…[truncated]' },
    ]);
    expect(
      JSON.parse(span.attributes['gen_ai.output.messages'] as string)[0].parts[0].content,
    ).toBe('[RED…[truncated]');
  });

  it('an invalid redaction option: spans without content, and one warning', async () => {
    instrument({
      captureContent: true,
      redaction: { patterns: [{ kind: 'ticket', pattern: 'TCK-' as unknown as RegExp }] },
    });
    await client().messages.create({ ...body, system: 'be brief' });
    const stream = (await client().messages.create({
      ...body,
      stream: true,
    })) as AsyncIterable<unknown>;
    for await (const _ of stream) void _;
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['chat claude-haiku-4-5', 'chat claude-haiku-4-5']);
    for (const span of spans) {
      expect(span.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(span.attributes).not.toHaveProperty('gen_ai.input.messages');
      expect(span.attributes).not.toHaveProperty('gen_ai.system_instructions');
      expect(span.attributes).not.toHaveProperty('gen_ai.output.messages');
    }
    const warnings = diagLines.filter((l) => l.includes('SL_CONFIG_INVALID_OPTION_TYPE'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('(ticket) needs a RegExp');
    expect(diagLines.join('\n')).not.toContain('SL_GENAI_INSTRUMENTATION_FAILED');
  });

  it("spans are parented to the caller's active span; unpatch restores the methods", async () => {
    const create = Messages.prototype.create;
    const stream = Messages.prototype.stream;
    const inst = instrument();
    expect(Messages.prototype.create).not.toBe(create);
    const tracer = tracerProvider.getTracer('app');
    await tracer.startActiveSpan('parent', async (parent) => {
      await client().messages.create(body);
      parent.end();
    });
    const spans = exporter.getFinishedSpans();
    const chat = spans.find((s) => s.name === 'chat claude-haiku-4-5')!;
    const parent = spans.find((s) => s.name === 'parent')!;
    expect(chat.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    unpatch(inst);
    expect(Messages.prototype.create).toBe(create);
    expect(Messages.prototype.stream).toBe(stream);
  });
});
