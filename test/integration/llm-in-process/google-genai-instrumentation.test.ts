/**
 * The real @google/genai, patched in process, calling the local Gemini server (cases that make no
 * call are test/unit/google-genai/instrumentation.test.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { catalogueEntry, hookedModules } from '../../../src/config/instrumentation-catalogue';
import { GoogleGenAIInstrumentation } from '../../../instrumentations/google-genai';
import { loadedCopies } from '../../../instrumentations/google-genai/preloaded';
import type { GoogleGenAIInstrumentationConfig } from '../../../instrumentations/google-genai';
import { inProcessInstrumentationTests } from '../../support/llm-in-process';
import { explodingTracerProvider } from '../../support/llm-instrumentation';
import { GEMINI_REPLY } from '../../support/llm-server';

// The real @google/genai (the CommonJS build), patched through the instrumentation's own module
// definition, so each test controls exactly when patching happens.
const requireHere = createRequire(__filename);
const sdk = requireHere('@google/genai') as GenAiModule;
const SDK_VERSION = (
  JSON.parse(
    readFileSync(join(__dirname, '../../../node_modules/@google/genai/package.json'), 'utf8'),
  ) as { version: string }
).version;

interface GenerateResponse {
  text?: string;
  candidates?: { content?: { parts?: unknown[] } }[];
  usageMetadata?: Record<string, number>;
  functionCalls?: { name: string; args: unknown }[];
}
interface Chat {
  sendMessage(params: Record<string, unknown>): Promise<GenerateResponse>;
  sendMessageStream(params: Record<string, unknown>): Promise<AsyncGenerator<GenerateResponse>>;
  getHistory(): unknown[];
}
interface GenAiClient {
  models: {
    generateContent(params: Record<string, unknown>): Promise<GenerateResponse>;
    generateContentStream(
      params: Record<string, unknown>,
    ): Promise<AsyncGenerator<GenerateResponse>>;
    embedContent(params: Record<string, unknown>): Promise<{ embeddings?: unknown[] }>;
  };
  chats: { create(params: Record<string, unknown>): Chat };
}
interface GenAiModule {
  GoogleGenAI: new (options: Record<string, unknown>) => GenAiClient;
  ApiError: new (...args: never[]) => Error;
  Models: { prototype: Record<string, unknown> };
}

const { exporter, diagLines, server, instrument, unpatch } = inProcessInstrumentationTests({
  create: (config: GoogleGenAIInstrumentationConfig = {}) =>
    new GoogleGenAIInstrumentation({ enabled: false, ...config }),
  exports: sdk,
  version: SDK_VERSION,
});

/** A Gemini API client, or a Vertex AI one (API key, so no Google auth). */
function client(options: Record<string, unknown> = {}): GenAiClient {
  return new sdk.GoogleGenAI({
    apiKey: 'test-key',
    httpOptions: { baseUrl: server().url },
    ...options,
  });
}

const VERTEX = { vertexai: true, project: 'my-project', location: 'us-central1' };

/** Per-request headers: how a request picks its server scenario. */
function scenario(name: string): Record<string, unknown> {
  return { httpOptions: { headers: { 'x-llm-scenario': name } } };
}

function params(model: string, config: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model,
    contents: 'Say hello. My email is jane.doe@example.com',
    config: { systemInstruction: 'You are terse.', ...config },
  };
}

function spans(): ReadableSpan[] {
  return [...exporter.getFinishedSpans()];
}

function only(name: string): ReadableSpan {
  const found = spans().filter((s) => s.name === name);
  expect(found, `spans named ${name}`).toHaveLength(1);
  return found[0]!;
}

async function drain(stream: AsyncIterable<unknown>, limit = Infinity): Promise<number> {
  let n = 0;
  for await (const _ of stream) {
    void _;
    if (++n >= limit) break;
  }
  return n;
}

describe('GoogleGenAIInstrumentation in process', () => {
  it('instruments clients made before patching and after, one span per call', async () => {
    const early = client();
    instrument();
    const late = client();
    await early.models.generateContent(params('gemini-2.5-flash'));
    await late.models.generateContent(params('gemini-2.5-flash'));
    expect(spans().map((s) => s.name)).toEqual(['chat gemini-2.5-flash', 'chat gemini-2.5-flash']);
  });

  it('generateContent: request, response, usage with cache and thinking tokens, cost', async () => {
    instrument();
    const response = await client().models.generateContent(
      params('models/gemini-2.5-flash', {
        temperature: 0.2,
        topP: 0.9,
        topK: 40,
        maxOutputTokens: 50,
        stopSequences: ['END'],
        seed: 7,
        candidateCount: 1,
        responseMimeType: 'text/plain',
      }),
    );
    expect(response.text).toBe(GEMINI_REPLY);
    const s = only('chat gemini-2.5-flash');
    expect(s.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.request.model': 'gemini-2.5-flash',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.top_k': 40,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.request.seed': 7,
      'gen_ai.output.type': 'text',
      'gen_ai.response.id': 'resp-ok',
      'gen_ai.response.model': 'gemini-2.5-flash',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 400,
      'gen_ai.usage.reasoning.output_tokens': 100,
      'gen_ai.usage.cache_read.input_tokens': 200,
      'server.address': '127.0.0.1',
    });
    // gemini-2.5-flash: 1000 uncached × 0.30 + 200 cached × 0.03 + (300 + 100 thinking) × 2.50.
    expect(s.attributes['sprintlens.cost.usd']).toBeCloseTo(0.001306, 12);
    expect(s.attributes).not.toHaveProperty('gen_ai.request.choice.count');
    expect(s.attributes).not.toHaveProperty('gen_ai.input.messages');
  });

  it('Vertex AI (project and location, or express mode): gcp.vertex_ai', async () => {
    instrument();
    await client(VERTEX).models.generateContent(params('gemini-2.5-pro'));
    await client({ vertexai: true }).models.generateContent(params('gemini-2.5-flash-lite'));
    expect(only('chat gemini-2.5-pro').attributes).toMatchObject({
      'gen_ai.provider.name': 'gcp.vertex_ai',
      'gen_ai.response.model': 'gemini-2.5-pro',
      'gen_ai.usage.output_tokens': 400,
    });
    expect(only('chat gemini-2.5-flash-lite').attributes['gen_ai.provider.name']).toBe(
      'gcp.vertex_ai',
    );
    const paths = server()
      .requests.slice(-2)
      .map((r) => r.path);
    expect(paths).toEqual([
      '/v1beta1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-pro:generateContent',
      '/v1beta1/publishers/google/models/gemini-2.5-flash-lite:generateContent',
    ]);
  });

  it('streams end exactly once: read to the end, broken out of, cut, error chunk, abort', async () => {
    instrument();
    const c = client();
    const full = await c.models.generateContentStream(params('gemini-2.5-flash'));
    expect(await drain(full)).toBe(5);
    const early = await c.models.generateContentStream(params('break-model', scenario('slow')));
    expect(await drain(early, 2)).toBe(2);
    const cut = await c.models.generateContentStream(params('cut-model', scenario('stream-cut')));
    await expect(drain(cut)).rejects.toBeInstanceOf(TypeError);
    const failing = await c.models.generateContentStream(
      params('error-chunk-model', scenario('stream-error')),
    );
    await expect(drain(failing)).rejects.toBeInstanceOf(sdk.ApiError);
    const controller = new AbortController();
    const aborted = await c.models.generateContentStream(
      params('abort-model', { ...scenario('slow'), abortSignal: controller.signal }),
    );
    let n = 0;
    await expect(
      (async () => {
        for await (const _ of aborted) {
          void _;
          if (++n === 2) controller.abort();
        }
      })(),
    ).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(only('chat gemini-2.5-flash').attributes).toMatchObject({
      'sprintlens.stream.outcome': 'completed',
      'sprintlens.stream.chunks': 5,
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 400,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(only('chat break-model').attributes).toMatchObject({
      'sprintlens.stream.outcome': 'cancelled',
      'sprintlens.stream.chunks': 2,
    });
    const cutSpan = only('chat cut-model');
    expect(cutSpan.status.code).toBe(2);
    expect(cutSpan.attributes).toMatchObject({
      'sprintlens.stream.outcome': 'error',
      'sprintlens.stream.chunks': 2,
      'error.type': 'TypeError',
    });
    expect(only('chat error-chunk-model').attributes).toMatchObject({
      'sprintlens.stream.outcome': 'error',
      'error.type': 'ApiError',
      'http.response.status_code': 503,
    });
    expect(only('chat abort-model').attributes).toMatchObject({
      'sprintlens.stream.outcome': 'aborted',
    });
    expect(spans()).toHaveLength(5);
  });

  it('an HTTP error keeps its ApiError class for the app; the span records it', async () => {
    instrument();
    const error = await client()
      .models.generateContent(params('rate-limited-model', scenario('error-429')))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(sdk.ApiError);
    expect((error as { status?: number }).status).toBe(429);
    const s = only('chat rate-limited-model');
    expect(s.status).toMatchObject({ code: 2, message: 'ApiError' });
    expect(s.attributes).toMatchObject({
      'error.type': 'ApiError',
      'http.response.status_code': 429,
    });
  });

  it('chats: one span per turn, plain and streamed', async () => {
    instrument();
    const chat = client().chats.create({ model: 'gemini-2.0-flash', config: { temperature: 0.5 } });
    await chat.sendMessage({ message: 'Hi' });
    await drain(await chat.sendMessageStream({ message: 'Again' }));
    const chatSpans = spans();
    expect(chatSpans.map((s) => s.name)).toEqual([
      'chat gemini-2.0-flash',
      'chat gemini-2.0-flash',
    ]);
    expect(chatSpans[1]!.attributes).toMatchObject({
      'gen_ai.request.temperature': 0.5,
      'sprintlens.stream.outcome': 'completed',
    });
  });

  it('function calls: tool_call finish reason; automatic function calling: one span per round', async () => {
    instrument();
    const c = client();
    const tools = [
      { functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: { type: 'object' } }] },
    ];
    const manual = await c.models.generateContent(
      params('tool-model', { ...scenario('tools'), tools }),
    );
    expect(manual.functionCalls).toEqual([{ name: 'get_weather', args: { city: 'Paris' } }]);
    const weather = {
      tool: () => Promise.resolve(tools[0]),
      callTool: () =>
        Promise.resolve([
          { functionResponse: { name: 'get_weather', response: { forecast: 'sunny' } } },
        ]),
    };
    const automatic = await c.models.generateContent(
      params('afc-model', { ...scenario('tools'), tools: [weather] }),
    );
    expect(automatic.text).toBe(GEMINI_REPLY);
    expect(only('chat tool-model').attributes['gen_ai.response.finish_reasons']).toEqual([
      'tool_call',
    ]);
    const rounds = spans().filter((s) => s.name === 'chat afc-model');
    expect(rounds.map((s) => s.attributes['gen_ai.response.finish_reasons'])).toEqual([
      ['tool_call'],
      ['stop'],
    ]);
  });

  it('embedContent: Gemini API (no tokens reported) and Vertex AI (tokens per text)', async () => {
    instrument();
    await client().models.embedContent({
      model: 'gemini-embedding-001',
      contents: ['a', 'b'],
      config: { outputDimensionality: 3 },
    });
    await client(VERTEX).models.embedContent({
      model: 'text-embedding-005',
      contents: ['a', 'b'],
    });
    expect(only('embeddings gemini-embedding-001').attributes).toMatchObject({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.embeddings.dimension.count': 3,
    });
    expect(only('embeddings gemini-embedding-001').attributes).not.toHaveProperty(
      'gen_ai.usage.input_tokens',
    );
    expect(only('embeddings text-embedding-005').attributes).toMatchObject({
      'gen_ai.provider.name': 'gcp.vertex_ai',
      'gen_ai.usage.input_tokens': 16,
    });
  });

  it('content capture: contents, system instruction, output with thoughts and tool calls, redacted', async () => {
    instrument({ captureContent: true });
    await client().models.generateContent(params('gemini-2.5-flash', scenario('thoughts')));
    const a = only('chat gemini-2.5-flash').attributes;
    expect(JSON.parse(a['gen_ai.system_instructions'] as string)).toEqual([
      { type: 'text', content: 'You are terse.' },
    ]);
    expect(JSON.parse(a['gen_ai.input.messages'] as string)).toEqual([
      {
        role: 'user',
        parts: [{ type: 'text', content: 'Say hello. My email is [REDACTED:email]' }],
      },
    ]);
    expect(JSON.parse(a['gen_ai.output.messages'] as string)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'The user wants a greeting.' },
          { type: 'text', content: GEMINI_REPLY },
        ],
        finish_reason: 'stop',
      },
    ]);
  });

  it('a failure inside our code is reported and never reaches the app', async () => {
    instrument(undefined, explodingTracerProvider());
    const response = await client().models.generateContent(params('gemini-2.5-flash'));
    expect(response.text).toBe(GEMINI_REPLY);
    expect(diagLines.join('\n')).toContain('SL_GENAI_INSTRUMENTATION_FAILED');
    expect(diagLines.join('\n')).not.toContain('sk-secret');
  });

  it('unpatch restores the prototype methods', async () => {
    const before = sdk.Models.prototype.generateContentInternal;
    const inst = instrument();
    expect(sdk.Models.prototype.generateContentInternal).not.toBe(before);
    unpatch(inst);
    expect(sdk.Models.prototype.generateContentInternal).toBe(before);
    await client().models.generateContent(params('gemini-2.5-flash'));
    expect(spans()).toEqual([]);
  });
});

describe('the package files GoogleGenAIInstrumentation hooks', () => {
  it('the main ES module also when imported as @google/genai/node', () => {
    const patterns = hookedModules([catalogueEntry('google-genai')]).filter(
      (p): p is RegExp => p instanceof RegExp,
    );
    const url = 'file:///app/node_modules/@google/genai/dist/node/index.mjs';
    expect(patterns.some((p) => p.test(url))).toBe(true);
    expect(patterns.some((p) => p.test(url.replace('node/index.mjs', 'web/index.mjs')))).toBe(
      false,
    );
    const inst = new GoogleGenAIInstrumentation({ enabled: false });
    const [file] = inst.getModuleDefinitions()[0]!.files;
    expect(file!.name).toBe(join('@google/genai', 'dist', 'node', 'index.mjs'));
    const original = sdk.Models.prototype.generateContentInternal;
    expect(file!.patch(sdk, SDK_VERSION)).toBe(sdk);
    expect(sdk.Models.prototype.generateContentInternal).not.toBe(original);
    file!.unpatch(sdk, SDK_VERSION);
    expect(sdk.Models.prototype.generateContentInternal).toBe(original);
  });

  it('the CommonJS copies loaded before it was enabled, of supported majors only', () => {
    const dir = join(__dirname, '../../../node_modules/@google/genai');
    const copies = loadedCopies(
      {
        [join(dir, 'dist/node/index.cjs')]: { loaded: true, exports: sdk },
        [join(dir, 'dist/index.cjs')]: { loaded: false, exports: {} },
        [join(dir, 'dist/web/index.mjs')]: { loaded: true, exports: {} },
        '/elsewhere/node_modules/@google/genai/dist/node/index.cjs': { loaded: true, exports: {} },
        '/app/node_modules/openai/index.js': { loaded: true, exports: {} },
      },
      [1, 2, 3],
    );
    expect(copies).toEqual([{ exports: sdk, version: SDK_VERSION }]);
    expect(loadedCopies({ [join(dir, 'dist/node/index.cjs')]: { loaded: true } }, [1, 2])).toEqual(
      [],
    );
  });
});
