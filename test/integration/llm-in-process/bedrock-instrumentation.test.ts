/**
 * The real @aws-sdk/client-bedrock-runtime, patched in process, calling the local Bedrock
 * wire-format server (cases that make no call are test/unit/bedrock/). Credentials and region
 * come from the environment, SigV4 is the SDK's own.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DataPointType, MeterProvider } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_DURATION_BUCKETS, TOKEN_USAGE_BUCKETS } from '../../../instrumentations/genai';
import { BedrockInstrumentation } from '../../../instrumentations/bedrock';
import type { BedrockInstrumentationConfig } from '../../../instrumentations/bedrock';
import { startBedrockServer } from '../../support/llm-server';
import type { BedrockServer } from '../../support/llm-server';
import {
  collectGenAiHistograms,
  explodingTracerProvider,
  patchedSdkTests,
  TestReader,
} from '../../support/llm-instrumentation';
import { VERSIONS_DIR } from '../../support/paths';

type Command = { input: Record<string, unknown>; middlewareStack: MiddlewareStack };
type CommandClass = new (input: Record<string, unknown>) => Command;
interface MiddlewareStack {
  add(middleware: unknown, options: Record<string, unknown>): void;
}
interface Client {
  send(command: unknown, options?: unknown, callback?: unknown): Promise<Record<string, unknown>>;
  converse(input: unknown): Promise<Record<string, unknown>>;
  config: Record<string, unknown>;
  destroy(): void;
}
interface BedrockSdk {
  BedrockRuntimeClient: (new (options?: Record<string, unknown>) => Client) & {
    prototype: { send: unknown };
  };
  BedrockRuntime: new (options?: Record<string, unknown>) => Client;
  ConverseCommand: CommandClass;
  ConverseStreamCommand: CommandClass;
  InvokeModelCommand: CommandClass;
  InvokeModelWithResponseStreamCommand: CommandClass;
  CountTokensCommand: CommandClass;
  ValidationException: new (...args: never[]) => Error;
  ThrottlingException: new (...args: never[]) => Error;
  ModelStreamErrorException: new (...args: never[]) => Error;
}

// The real SDK, patched through the instrumentation's own module definition, so each test
// controls exactly when patching happens.
const requireHere = createRequire(__filename);
const sdk = requireHere('@aws-sdk/client-bedrock-runtime') as BedrockSdk;
const SDK_VERSION = (
  JSON.parse(
    readFileSync(
      join(__dirname, '../../../node_modules/@aws-sdk/client-bedrock-runtime/package.json'),
      'utf8',
    ),
  ) as { version: string }
).version;
/** Another copy of the package (the version matrix's 3.943): its commands, our client. */
const otherCopy = createRequire(join(VERSIONS_DIR, 'bedrock-3.943', 'package.json'))(
  '@aws-sdk/client-bedrock-runtime',
) as BedrockSdk;
/** The shared smithy client every AWS SDK client inherits `send` from. */
const SmithyClient = (requireHere('@smithy/core/client') as { Client: { prototype: object } })
  .Client;

const { exporter, tracerProvider, diagLines, instrument, unpatch } = patchedSdkTests({
  create: (config: BedrockInstrumentationConfig = {}) =>
    new BedrockInstrumentation({ enabled: false, ...config }),
  exports: sdk,
  version: SDK_VERSION,
});

let bedrockServer: BedrockServer | undefined;
beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
  process.env.AWS_REGION = 'us-east-1';
  bedrockServer = await startBedrockServer();
});
afterAll(async () => {
  await bedrockServer?.close();
});

function server(): BedrockServer {
  if (bedrockServer === undefined) throw new Error('the Bedrock server is started in beforeAll');
  return bedrockServer;
}

const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const PROFILE = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const USAGE = {
  'gen_ai.usage.input_tokens': 1300,
  'gen_ai.usage.output_tokens': 300,
  'gen_ai.usage.cache_read.input_tokens': 200,
  'gen_ai.usage.cache_write.input_tokens': 100,
};
const messages = [
  { role: 'user', content: [{ text: 'Say hello. My email is jane.doe@example.com' }] },
];

function client(options: Record<string, unknown> = {}): Client {
  return new sdk.BedrockRuntimeClient({ endpoint: server().url, maxAttempts: 1, ...options });
}

/** `command` with the server scenario set on its own middleware stack (as the app may do). */
function withScenario<T extends Command>(command: T, scenario: string): T {
  command.middlewareStack.add(
    (next: (args: unknown) => unknown) =>
      (args: { request: { headers: Record<string, string> } }) => {
        args.request.headers['x-llm-scenario'] = scenario;
        return next(args);
      },
    { step: 'build', name: 'testScenario' },
  );
  return command;
}

function spans(): ReadableSpan[] {
  return exporter.getFinishedSpans();
}

function only(): ReadableSpan {
  expect(spans().map((s) => s.name)).toHaveLength(1);
  return spans()[0]!;
}

async function collect(stream: AsyncIterable<unknown>, limit?: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const event of stream) {
    out.push(event);
    if (limit !== undefined && out.length >= limit) break;
  }
  return out;
}

/** What an app sees of a stream's chunks: the events, with chunk bytes as text. */
function view(events: unknown[]): unknown[] {
  return events.map((e) => {
    const bytes = (e as { chunk?: { bytes?: Uint8Array } }).chunk?.bytes;
    return bytes === undefined ? e : { chunk: Buffer.from(bytes).toString('utf8') };
  });
}

describe('BedrockInstrumentation in process (the current SDK)', () => {
  it('Converse: a CLIENT span with the request, usage with cache tokens, cost, server', async () => {
    instrument();
    const c = client();
    const output = await c.send(
      new sdk.ConverseCommand({
        modelId: CLAUDE,
        messages,
        system: [{ text: 'You are terse.' }],
        inferenceConfig: { maxTokens: 50, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
        additionalModelRequestFields: { top_k: 40 },
      }),
    );
    expect(output.stopReason).toBe('end_turn');
    const span = only();
    expect(span.name).toBe(`chat ${CLAUDE}`);
    expect(span.kind).toBe(2);
    expect(span.instrumentationScope.name).toBe('sprintlens-instrumentation-bedrock');
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': CLAUDE,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.top_k': 40,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.response.finish_reasons': ['end_turn'],
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(server().url).port),
      'aws.request_id': 'req-ok',
      ...USAGE,
    });
    // anthropic.claude-sonnet-4-5-20250929-v1 (regional price): 1000 × 3.3 + 200 × 0.33
    // + 100 × 4.125 + 300 × 16.5, per million.
    expect(span.attributes['sprintlens.cost.usd']).toBeCloseTo(0.0087285, 10);
    expect(span.attributes).not.toHaveProperty('gen_ai.input.messages');
  });

  it('ConverseStream read to the end: the same events and stream object, usage, chunks', async () => {
    const c = client();
    const command = () => new sdk.ConverseStreamCommand({ modelId: PROFILE, messages });
    const plain = await c.send(command());
    const baseline = await collect(plain.stream as AsyncIterable<unknown>);
    instrument();
    const output = await c.send(command());
    const stream = output.stream as AsyncIterable<unknown>;
    expect(Object.getPrototypeOf(stream)).toBe(Object.getPrototypeOf(plain.stream));
    expect(await collect(stream)).toEqual(baseline);
    expect(baseline).toHaveLength(9);
    const span = only();
    expect(span.name).toBe(`chat ${PROFILE}`);
    expect(span.attributes).toMatchObject({
      ...USAGE,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'sprintlens.stream.chunks': 9,
      'sprintlens.stream.outcome': 'completed',
    });
    expect(span.attributes['sprintlens.stream.time_to_first_token']).toBeGreaterThan(0);
    // The geography profile is priced as its regional model: 1000 × 1.1 + 200 × 0.11
    // + 100 × 1.375 + 300 × 5.5, per million.
    expect(span.attributes['sprintlens.cost.usd']).toBeCloseTo(0.0029095, 10);
  });

  it('ConverseStream broken out of early: cancelled, with the chunks read', async () => {
    instrument();
    const output = await client().send(
      withScenario(new sdk.ConverseStreamCommand({ modelId: PROFILE, messages }), 'slow'),
    );
    expect(await collect(output.stream as AsyncIterable<unknown>, 4)).toHaveLength(4);
    expect(only().attributes).toMatchObject({
      'sprintlens.stream.outcome': 'cancelled',
      'sprintlens.stream.chunks': 4,
    });
  });

  it('ConverseStream aborted through send(command, { abortSignal }): ended as aborted', async () => {
    const abortAfterThree = async (): Promise<unknown> => {
      const controller = new AbortController();
      const output = await client().send(
        withScenario(new sdk.ConverseStreamCommand({ modelId: PROFILE, messages }), 'slow'),
        { abortSignal: controller.signal },
      );
      let n = 0;
      try {
        for await (const event of output.stream as AsyncIterable<unknown>) {
          void event;
          if (++n === 3) controller.abort();
        }
        return { atLeastThree: n >= 3, ended: 'quietly' };
      } catch (error) {
        return { atLeastThree: n >= 3, error: (error as Error).name };
      }
    };
    const baseline = await abortAfterThree();
    instrument();
    expect(await abortAfterThree()).toEqual(baseline);
    const span = only();
    expect(span.attributes['sprintlens.stream.outcome']).toBe('aborted');
    expect(span.attributes['sprintlens.stream.chunks']).toBeGreaterThanOrEqual(3);
    expect(span.status.code).not.toBe(2);
  });

  it('streams cut by the server, or ended by an exception event: failed, error class kept', async () => {
    const c = client();
    const read = async (Command: CommandClass, scenario: string): Promise<unknown> => {
      const output = await c.send(
        withScenario(new Command({ modelId: CLAUDE, messages, body: claudeBody() }), scenario),
      );
      const stream = (output.stream ?? output.body) as AsyncIterable<unknown>;
      let n = 0;
      try {
        for await (const event of stream) {
          void event;
          n++;
        }
        return { n, ended: 'quietly' };
      } catch (error) {
        return { n, error: (error as Error).constructor.name, name: (error as Error).name };
      }
    };
    const scenarios = ['stream-cut', 'stream-reset', 'stream-exception', 'stream-throttled'];
    const commands = [sdk.ConverseStreamCommand, sdk.InvokeModelWithResponseStreamCommand];
    const baseline: unknown[] = [];
    for (const scenario of scenarios) {
      for (const Command of commands) baseline.push(await read(Command, scenario));
    }
    instrument();
    const seen: unknown[] = [];
    for (const scenario of scenarios) {
      for (const Command of commands) seen.push(await read(Command, scenario));
    }
    expect(seen).toEqual(baseline);
    // What the app sees: a dropped connection ends the iteration quietly; a reset stream throws
    // a plain Error; exception events throw the modelled exception.
    expect(seen.map((r) => (r as { error?: string }).error ?? 'none')).toEqual([
      'none',
      'none',
      'Error',
      'Error',
      'ModelStreamErrorException',
      'ModelStreamErrorException',
      'ThrottlingException',
      'ThrottlingException',
    ]);
    const ended = spans();
    expect(ended.map((s) => s.attributes['error.type'])).toEqual([
      'stream_truncated',
      'stream_truncated',
      'Error',
      'Error',
      'ModelStreamErrorException',
      'ModelStreamErrorException',
      'ThrottlingException',
      'ThrottlingException',
    ]);
    for (const span of ended) {
      expect(span.status.code).toBe(2);
      expect(span.attributes['sprintlens.stream.outcome']).toBe('error');
      expect(span.attributes['sprintlens.stream.chunks']).toBeGreaterThanOrEqual(2);
      expect(span.attributes).not.toHaveProperty('gen_ai.response.finish_reasons');
    }
  });

  it("HTTP errors: the SDK's modelled exception reaches the app; error.type and status on the span", async () => {
    instrument();
    const c = client();
    const failures: unknown[] = [];
    for (const [scenario, Command] of [
      ['error-400', sdk.ConverseCommand],
      ['error-429', sdk.ConverseStreamCommand],
      ['error-429', sdk.InvokeModelCommand],
    ] as const) {
      await c
        .send(
          withScenario(new Command({ modelId: CLAUDE, messages, body: claudeBody() }), scenario),
        )
        .then(
          () => failures.push(undefined),
          (error: unknown) => failures.push(error),
        );
    }
    expect(failures[0]).toBeInstanceOf(sdk.ValidationException);
    expect(failures[1]).toBeInstanceOf(sdk.ThrottlingException);
    expect(failures[2]).toBeInstanceOf(sdk.ThrottlingException);
    const [validation, throttled, invoke] = spans();
    expect(validation!.attributes).toMatchObject({
      'error.type': 'ValidationException',
      'http.response.status_code': 400,
    });
    expect(validation!.status).toMatchObject({ code: 2, message: 'ValidationException' });
    for (const span of [throttled!, invoke!]) {
      expect(span.attributes).toMatchObject({
        'error.type': 'ThrottlingException',
        'http.response.status_code': 429,
      });
    }
  });

  it('InvokeModel per model family: operation, request parameters, usage, finish reasons', async () => {
    instrument();
    const c = client();
    const bodies: [string, Record<string, unknown>][] = [
      [CLAUDE, claudeRequest({ temperature: 0.5, top_k: 10 })],
      [
        'amazon.nova-lite-v1:0',
        {
          schemaVersion: 'messages-v1',
          messages,
          inferenceConfig: { max_new_tokens: 64, temperature: 0.3, top_p: 0.8 },
        },
      ],
      [
        'amazon.titan-text-express-v1',
        { inputText: 'Say hello', textGenerationConfig: { maxTokenCount: 64, topP: 0.9 } },
      ],
      ['meta.llama3-3-70b-instruct-v1:0', { prompt: 'Say hello', max_gen_len: 64, top_p: 0.9 }],
      ['amazon.titan-embed-text-v2:0', { inputText: 'embed me', dimensions: 256 }],
    ];
    for (const [modelId, body] of bodies) {
      const output = await c.send(
        new sdk.InvokeModelCommand({ modelId, body: JSON.stringify(body) }),
      );
      expect(Buffer.from(output.body as Uint8Array).length).toBeGreaterThan(0);
    }
    const [claude, nova, titan, llama, embed] = spans().map((s) => s.attributes);
    expect(claude).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.temperature': 0.5,
      'gen_ai.request.top_k': 10,
      'gen_ai.response.id': 'msg_bdrk_ok',
      'gen_ai.response.model': 'claude-sonnet-4-5-20250929',
      'gen_ai.response.finish_reasons': ['end_turn'],
      ...USAGE,
    });
    expect(claude!['sprintlens.cost.usd']).toBeCloseTo(0.0087285, 10);
    expect(nova).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.top_p': 0.8,
      'gen_ai.response.finish_reasons': ['end_turn'],
      ...USAGE,
    });
    // amazon.nova-lite-v1: 1000 × 0.06 + 200 × 0.015 + 100 × 0.06 + 300 × 0.24, per million.
    expect(nova!['sprintlens.cost.usd']).toBeCloseTo(0.000141, 12);
    expect(titan).toMatchObject({
      'gen_ai.operation.name': 'text_completion',
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 300,
      'gen_ai.response.finish_reasons': ['FINISH'],
    });
    expect(llama).toMatchObject({
      'gen_ai.operation.name': 'text_completion',
      'gen_ai.request.max_tokens': 64,
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 300,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(llama!['sprintlens.cost.usd']).toBeCloseTo((1300 * 0.72) / 1e6, 12);
    expect(embed).toMatchObject({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.embeddings.dimension.count': 256,
      'gen_ai.usage.input_tokens': 12,
    });
    expect(embed!['sprintlens.cost.usd']).toBeCloseTo((12 * 0.02) / 1e6, 14);
  });

  it('InvokeModelWithResponseStream per family: the same bytes for the app, billed usage', async () => {
    const c = client();
    const cases: [string, Record<string, unknown>, number][] = [
      [CLAUDE, claudeRequest(), 10],
      ['amazon.nova-pro-v1:0', { messages, inferenceConfig: { maxTokens: 64 } }, 9],
      ['amazon.titan-text-premier-v1:0', { inputText: 'Say hello' }, 5],
      ['meta.llama4-scout-17b-instruct-v1:0', { prompt: 'Say hello' }, 5],
    ];
    const read = async (modelId: string, body: Record<string, unknown>) => {
      const output = await c.send(
        new sdk.InvokeModelWithResponseStreamCommand({ modelId, body: JSON.stringify(body) }),
      );
      return view(await collect(output.body as AsyncIterable<unknown>));
    };
    const baselines = [];
    for (const [modelId, body] of cases) baselines.push(await read(modelId, body));
    instrument();
    for (const [i, [modelId, body, chunks]] of cases.entries()) {
      expect(await read(modelId, body)).toEqual(baselines[i]);
      expect(baselines[i]).toHaveLength(chunks);
    }
    const ended = spans();
    expect(ended.map((s) => s.attributes['sprintlens.stream.chunks'])).toEqual(
      cases.map(([, , chunks]) => chunks),
    );
    for (const span of ended) {
      expect(span.attributes).toMatchObject({ ...USAGE, 'sprintlens.stream.outcome': 'completed' });
      expect(span.attributes['sprintlens.cost.usd']).toBeGreaterThan(0);
    }
    expect(ended.map((s) => s.attributes['gen_ai.response.finish_reasons'])).toEqual([
      ['end_turn'],
      ['end_turn'],
      ['FINISH'],
      ['stop'],
    ]);
    expect(ended[0]!.attributes['gen_ai.response.id']).toBe('msg_bdrk_ok');
  });

  it('tool use: Converse toolUse and Claude tool_use, plain and streamed, with content', async () => {
    instrument({ captureContent: true });
    const c = client();
    const tools = {
      tools: [
        {
          toolSpec: {
            name: 'get_weather',
            inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } },
          },
        },
      ],
    };
    await c.send(
      withScenario(
        new sdk.ConverseCommand({ modelId: CLAUDE, messages, toolConfig: tools }),
        'tools',
      ),
    );
    const streamed = await c.send(
      withScenario(
        new sdk.ConverseStreamCommand({ modelId: CLAUDE, messages, toolConfig: tools }),
        'tools',
      ),
    );
    await collect(streamed.stream as AsyncIterable<unknown>);
    await c.send(
      withScenario(new sdk.InvokeModelCommand({ modelId: CLAUDE, body: claudeBody() }), 'tools'),
    );
    const invokeStream = await c.send(
      withScenario(
        new sdk.InvokeModelWithResponseStreamCommand({ modelId: CLAUDE, body: claudeBody() }),
        'tools',
      ),
    );
    await collect(invokeStream.body as AsyncIterable<unknown>);
    const toolCall = {
      type: 'tool_call',
      id: 'tooluse_1',
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
    };
    for (const span of spans()) {
      expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_use']);
      expect(JSON.parse(span.attributes['gen_ai.output.messages'] as string)).toEqual([
        { role: 'assistant', parts: [toolCall], finish_reason: 'tool_use' },
      ]);
    }
    exporter.reset();
    await c.send(
      withScenario(
        new sdk.ConverseCommand({
          modelId: CLAUDE,
          toolConfig: tools,
          messages: [
            ...messages,
            {
              role: 'assistant',
              content: [
                {
                  toolUse: {
                    toolUseId: 'tooluse_1',
                    name: 'get_weather',
                    input: { city: 'Paris' },
                  },
                },
              ],
            },
            {
              role: 'user',
              content: [{ toolResult: { toolUseId: 'tooluse_1', content: [{ text: 'sunny' }] } }],
            },
          ],
        }),
        'tools',
      ),
    );
    const span = only();
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['end_turn']);
    expect(JSON.parse(span.attributes['gen_ai.input.messages'] as string).slice(1)).toEqual([
      { role: 'assistant', parts: [toolCall] },
      { role: 'user', parts: [{ type: 'tool_call_response', id: 'tooluse_1', response: 'sunny' }] },
    ]);
  });

  it('content capture: system, input and output messages in the conventions shape, redacted', async () => {
    instrument({ captureContent: true });
    const c = client();
    await c.send(
      new sdk.ConverseCommand({
        modelId: CLAUDE,
        messages,
        system: [{ text: 'You are terse.' }, { cachePoint: { type: 'default' } }],
      }),
    );
    const streamed = await c.send(new sdk.ConverseStreamCommand({ modelId: CLAUDE, messages }));
    await collect(streamed.stream as AsyncIterable<unknown>);
    const [plain, stream] = spans();
    expect(JSON.parse(plain!.attributes['gen_ai.system_instructions'] as string)).toEqual([
      { type: 'text', content: 'You are terse.' },
    ]);
    for (const span of [plain!, stream!]) {
      expect(JSON.parse(span.attributes['gen_ai.input.messages'] as string)).toEqual([
        {
          role: 'user',
          parts: [{ type: 'text', content: 'Say hello. My email is [REDACTED:email]' }],
        },
      ]);
      expect(JSON.parse(span.attributes['gen_ai.output.messages'] as string)).toEqual([
        {
          role: 'assistant',
          parts: [{ type: 'text', content: 'Hello from the test server.' }],
          finish_reason: 'end_turn',
        },
      ]);
    }
  });

  it('the callback form of send and the aggregated BedrockRuntime client are observed too', async () => {
    instrument();
    const output = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const returned = client().send(
        new sdk.ConverseCommand({ modelId: CLAUDE, messages }),
        (error: unknown, data: Record<string, unknown>) =>
          error === null ? resolve(data) : reject(error as Error),
      );
      expect(returned).toBeUndefined();
    });
    expect(output.stopReason).toBe('end_turn');
    const failure = await new Promise<unknown>((resolve) => {
      client().send(
        withScenario(new sdk.ConverseCommand({ modelId: CLAUDE, messages }), 'error-400'),
        {},
        (error: unknown) => resolve(error),
      );
    });
    expect(failure).toBeInstanceOf(sdk.ValidationException);
    const aggregated = new sdk.BedrockRuntime({ endpoint: server().url, maxAttempts: 1 });
    await aggregated.converse({ modelId: PROFILE, messages });
    expect(spans().map((s) => [s.name, s.attributes['error.type']])).toEqual([
      [`chat ${CLAUDE}`, undefined],
      [`chat ${CLAUDE}`, 'ValidationException'],
      [`chat ${PROFILE}`, undefined],
    ]);
  });

  it('a command from another copy of the package is recognised; other commands get no span', async () => {
    instrument();
    const c = client();
    await c.send(new otherCopy.ConverseCommand({ modelId: CLAUDE, messages }));
    await c
      .send(new sdk.CountTokensCommand({ modelId: CLAUDE, input: { converse: { messages } } }))
      .catch(() => undefined);
    expect(spans().map((s) => s.name)).toEqual([`chat ${CLAUDE}`]);
    // The shared smithy client every AWS client inherits from is never patched.
    expect(Object.hasOwn(SmithyClient.prototype, 'send')).toBe(true);
    expect(
      (SmithyClient.prototype as { send: { __wrapped?: unknown } }).send.__wrapped,
    ).toBeUndefined();
  });

  it('model ids: ARNs and inference profiles priced as their base model; opaque ARNs unpriced', async () => {
    instrument();
    const c = client();
    const ids = [
      `arn:aws:bedrock:us-east-1::foundation-model/${CLAUDE}`,
      `arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0`,
      'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4',
    ];
    for (const modelId of ids) await c.send(new sdk.ConverseCommand({ modelId, messages }));
    const [foundation, global, application] = spans().map((s) => s.attributes);
    expect(foundation!['gen_ai.request.model']).toBe(ids[0]);
    expect(foundation!['sprintlens.cost.usd']).toBeCloseTo(0.0087285, 10);
    // global.anthropic.claude-sonnet-4-5-20250929-v1: 1000 × 3 + 200 × 0.3 + 100 × 3.75
    // + 300 × 15, per million.
    expect(global!['sprintlens.cost.usd']).toBeCloseTo(0.007935, 10);
    expect(application).not.toHaveProperty('sprintlens.cost.usd');
    expect(application!['gen_ai.usage.input_tokens']).toBe(1300);
  });

  it("records gen_ai.client.* histograms with the conventions' bucket boundaries", async () => {
    const reader = new TestReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const inst = instrument();
    inst.setMeterProvider(meterProvider);
    const c = client();
    await c.send(new sdk.ConverseCommand({ modelId: CLAUDE, messages }));
    await c
      .send(withScenario(new sdk.ConverseCommand({ modelId: CLAUDE, messages }), 'error-429'))
      .catch(() => undefined);
    const { usage, duration } = await collectGenAiHistograms(reader);
    expect(usage.dataPointType).toBe(DataPointType.HISTOGRAM);
    const input = usage.dataPoints.find((p) => p.attributes['gen_ai.token.type'] === 'input')!;
    expect(input.value.buckets.boundaries).toEqual(TOKEN_USAGE_BUCKETS);
    expect(input.value.sum).toBe(1300);
    expect(input.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': CLAUDE,
      'server.address': '127.0.0.1',
    });
    expect(duration.dataPoints).toHaveLength(2);
    expect(duration.dataPoints[0]!.value.buckets.boundaries).toEqual(OPERATION_DURATION_BUCKETS);
    const failed = duration.dataPoints.find((p) => p.attributes['error.type'] !== undefined)!;
    expect(failed.attributes['error.type']).toBe('ThrottlingException');
    await meterProvider.shutdown();
  });

  it('a failure inside our code is reported through diag and never reaches the app', async () => {
    instrument({}, explodingTracerProvider());
    const output = await client().send(new sdk.ConverseCommand({ modelId: CLAUDE, messages }));
    expect(output.stopReason).toBe('end_turn');
    const text = diagLines.join('\n');
    expect(text).toContain('SL_GENAI_INSTRUMENTATION_FAILED');
    expect(text).not.toContain('sk-secret');
  });

  it("spans are parented to the caller's active span; unpatch removes the own send", async () => {
    expect(Object.hasOwn(sdk.BedrockRuntimeClient.prototype, 'send')).toBe(false);
    const inherited = sdk.BedrockRuntimeClient.prototype.send;
    const inst = instrument();
    expect(Object.hasOwn(sdk.BedrockRuntimeClient.prototype, 'send')).toBe(true);
    const tracer = tracerProvider.getTracer('app');
    await tracer.startActiveSpan('parent', async (parent) => {
      await client().send(new sdk.ConverseCommand({ modelId: CLAUDE, messages }));
      parent.end();
    });
    const chat = spans().find((s) => s.name === `chat ${CLAUDE}`)!;
    const parent = spans().find((s) => s.name === 'parent')!;
    expect(chat.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    unpatch(inst);
    expect(Object.hasOwn(sdk.BedrockRuntimeClient.prototype, 'send')).toBe(false);
    expect(sdk.BedrockRuntimeClient.prototype.send).toBe(inherited);
  });
});

/** A Claude Messages API request for `InvokeModel`. */
function claudeRequest(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'Say hello' }],
    ...extra,
  };
}

/** {@link claudeRequest} as the JSON body `InvokeModel` sends. */
function claudeBody(extra: Record<string, unknown> = {}): string {
  return JSON.stringify(claudeRequest(extra));
}
