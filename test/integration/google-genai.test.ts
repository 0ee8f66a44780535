import { beforeAll, describe, expect, it } from 'vitest';
import { GEMINI_REPORT_PATH } from '../support/llm-server';
import type { GeminiReport } from '../support/llm-server';
import type { ReceivedSpan } from '../support/otlp-receiver';
import { runApp } from '../support/spawn-app';
import { GOOGLE_GENAI_MAJORS, runGoogleGenAIApp } from './google-genai-harness';
import type { GoogleGenAIMajor } from './google-genai-harness';
import type { ModuleKind, ScenarioSummary } from './llm-app-harness';
import { llmBackendsForFile } from './llm-backends';
import { attrs, expectNoContentCaptured, span } from './llm-spans';

const backends = llmBackendsForFile();

/** Spans the app must produce: one per model request (automatic function calling and the chat make two). */
const EXPECTED_SPANS = 24;
const SCOPE = 'sprintlens-instrumentation-google-genai';
const SECRET_WORDS = [
  'Say hello',
  'terse',
  'jane.doe',
  'Paris',
  'sunny',
  'Hello from',
  'get_weather',
];
/** What every `generateContent` response reports, as the span records it (Google's billing). */
const USAGE_ATTRIBUTES = {
  'gen_ai.usage.input_tokens': 1200,
  'gen_ai.usage.output_tokens': 400,
  'gen_ai.usage.reasoning.output_tokens': 100,
  'gen_ai.usage.cache_read.input_tokens': 200,
};

interface Run {
  summary: ScenarioSummary;
  spans: ReceivedSpan[];
  stderr: string;
}

async function instrumentedRun(
  major: GoogleGenAIMajor,
  kind: ModuleKind,
  service: string,
  env: Record<string, string> = {},
): Promise<Run> {
  const { summary, result } = await runGoogleGenAIApp({
    major,
    kind,
    instrumented: true,
    llmUrl: backends.llmUrl,
    env: { ...backends.exportEnv(service), ...env },
  });
  return { summary, spans: await backends.spansOf(service, EXPECTED_SPANS), stderr: result.stderr };
}

/** What the Gemini server reported, complete responses only, by trace. */
async function reported(): Promise<GeminiReport[]> {
  const response = await fetch(`${backends.llmUrl}${GEMINI_REPORT_PATH}`);
  return (await response.json()) as GeminiReport[];
}

const numberOf = (s: ReceivedSpan, key: string): number => {
  const value = s.attributes[key];
  return typeof value === 'number' ? value : 0;
};

for (const major of GOOGLE_GENAI_MAJORS) {
  for (const kind of ['cjs', 'esm'] as const) {
    const flag = kind === 'cjs' ? '--require' : '--import';
    describe(`@google/genai ${major}.x, ${flag} sprintlens/register`, () => {
      const service = `google-genai-${major}-${kind}`;
      let baseline: ScenarioSummary;
      let run: Run;

      beforeAll(async () => {
        const plain = await runGoogleGenAIApp({
          major,
          kind,
          instrumented: false,
          llmUrl: backends.llmUrl,
        });
        baseline = plain.summary;
        run = await instrumentedRun(major, kind, service);
      });

      it('the app sees exactly what it sees uninstrumented (responses, chunks, errors, classes)', () => {
        for (const [name, value] of Object.entries(baseline)) {
          expect(value, name).not.toHaveProperty('unexpected');
        }
        expect(run.summary).toEqual(baseline);
        expect(run.summary.generate).toMatchObject({
          type: 'GenerateContentResponse',
          text: 'Hello from the test server.',
        });
        expect(run.stderr).not.toContain('SL_GENAI');
      });

      it('exactly one CLIENT span per model request, all ours', () => {
        expect(run.spans).toHaveLength(EXPECTED_SPANS);
        for (const s of run.spans) {
          expect(s.scope).toBe(SCOPE);
          expect(s.kind).toBe('SPAN_KIND_CLIENT');
        }
      });

      it('generateContent: request, response, usage with cache and thinking tokens, cost', () => {
        const s = span(run.spans, 'chat gemini-2.5-flash');
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
          'gen_ai.response.id': 'resp-ok',
          'gen_ai.response.model': 'gemini-2.5-flash',
          'gen_ai.response.finish_reasons': ['stop'],
          'server.address': '127.0.0.1',
          ...USAGE_ATTRIBUTES,
        });
        // gemini-2.5-flash: 1000 uncached × 0.30 + 200 cached × 0.03 + (300 + 100 thinking) × 2.50.
        expect(s.attributes['sprintlens.cost.usd']).toBeCloseTo(0.001306, 10);
        expect(s.status.code).not.toBe('STATUS_CODE_ERROR');
      });

      it('Vertex AI (regional and express mode): gcp.vertex_ai, priced by its model', () => {
        expect(attrs(run.spans, 'chat gemini-2.5-pro')).toMatchObject({
          'gen_ai.provider.name': 'gcp.vertex_ai',
          'gen_ai.response.model': 'gemini-2.5-pro',
          ...USAGE_ATTRIBUTES,
        });
        // gemini-2.5-pro: 1000 × 1.25 + 200 × 0.125 + 400 × 10.
        expect(attrs(run.spans, 'chat gemini-2.5-pro')['sprintlens.cost.usd']).toBeCloseTo(
          0.005275,
          10,
        );
        // Express mode; `publishers/google/models/…` is the model's id on the span.
        expect(attrs(run.spans, 'chat gemini-2.0-flash-lite')).toMatchObject({
          'gen_ai.provider.name': 'gcp.vertex_ai',
          'gen_ai.request.model': 'gemini-2.0-flash-lite',
          'gen_ai.response.model': 'gemini-2.0-flash-lite',
        });
      });

      it('streams: usage from the last chunk, time to first token, cost, chunk count', () => {
        const a = attrs(run.spans, 'chat gemini-2.0-flash');
        expect(a).toMatchObject({
          ...USAGE_ATTRIBUTES,
          'gen_ai.response.id': 'resp-ok',
          'gen_ai.response.finish_reasons': ['stop'],
          'sprintlens.stream.chunks': 5,
          'sprintlens.stream.outcome': 'completed',
        });
        expect(a['sprintlens.stream.time_to_first_token']).toBeGreaterThan(0);
        expect(a['sprintlens.cost.usd']).toBeCloseTo(
          (1000 * 0.1 + 200 * 0.025 + 400 * 0.4) / 1e6,
          12,
        );
        expect((run.summary.stream as { chunks: unknown[] }).chunks).toHaveLength(5);
        expect(attrs(run.spans, 'chat gemini-3.1-pro-preview')).toMatchObject({
          'gen_ai.provider.name': 'gcp.vertex_ai',
          'sprintlens.stream.outcome': 'completed',
          ...USAGE_ATTRIBUTES,
        });
      });

      it('streams end exactly once on every path, with what was received', () => {
        expect(attrs(run.spans, 'chat break-model')).toMatchObject({
          'sprintlens.stream.outcome': 'cancelled',
          'sprintlens.stream.chunks': 2,
        });
        const aborted = span(run.spans, 'chat abort-model');
        expect(aborted.attributes['sprintlens.stream.outcome']).toBe('aborted');
        expect(aborted.attributes['sprintlens.stream.chunks']).toBeGreaterThanOrEqual(2);
        expect(aborted.status.code).not.toBe('STATUS_CODE_ERROR');
        expect(run.summary['stream-abort']).toMatchObject({ n: 2, error: 'AbortError' });
        const cut = span(run.spans, 'chat cut-model');
        expect(cut.status.code).toBe('STATUS_CODE_ERROR');
        expect(cut.attributes).toMatchObject({
          'sprintlens.stream.outcome': 'error',
          'sprintlens.stream.chunks': 2,
        });
        expect(run.summary['stream-cut']).toHaveProperty('error');
        const errorChunk = span(run.spans, 'chat error-chunk-model');
        if (major === '1') {
          // 1.x does not see a `data: {"error": …}` chunk as an error: it converts it to an empty
          // response (the error field dropped), yields it as a third chunk and ends the stream
          // normally. The span shows what the app saw.
          expect(errorChunk.attributes).toMatchObject({
            'sprintlens.stream.outcome': 'completed',
            'sprintlens.stream.chunks': 3,
          });
          expect(run.summary['stream-error']).not.toHaveProperty('error');
        } else {
          expect(errorChunk.status).toMatchObject({
            code: 'STATUS_CODE_ERROR',
            message: 'ApiError',
          });
          expect(errorChunk.attributes).toMatchObject({
            'error.type': 'ApiError',
            'http.response.status_code': 503,
            'sprintlens.stream.outcome': 'error',
            'sprintlens.stream.chunks': 2,
          });
          expect(run.summary['stream-error']).toMatchObject({ error: 'ApiError', status: 503 });
        }
      });

      it('HTTP errors keep their ApiError class for the app; the span has type and status', () => {
        for (const [model, status, scenario] of [
          ['rate-limited-model', 429, 'error-429'],
          ['failing-model', 500, 'error-500'],
          ['rate-limited-stream-model', 429, 'stream-error-429'],
        ] as const) {
          const s = span(run.spans, `chat ${model}`);
          expect(s.status).toMatchObject({ code: 'STATUS_CODE_ERROR', message: 'ApiError' });
          expect(s.attributes).toMatchObject({
            'error.type': 'ApiError',
            'http.response.status_code': status,
          });
          expect(run.summary[scenario]).toMatchObject({
            error: 'ApiError',
            status,
            isApiError: true,
          });
        }
      });

      it('function calls: tool_call finish reason, plain and streamed; automatic function calling', () => {
        for (const model of ['tool-model', 'stream-tool-model']) {
          expect(attrs(run.spans, `chat ${model}`)['gen_ai.response.finish_reasons']).toEqual([
            'tool_call',
          ]);
        }
        expect(run.summary.tools).toMatchObject({
          functionCalls: [{ name: 'get_weather', args: { city: 'Paris' } }],
        });
        expect(
          attrs(run.spans, 'chat tool-result-model')['gen_ai.response.finish_reasons'],
        ).toEqual(['stop']);
        // One generateContent call, two model requests: two spans.
        const rounds = run.spans.filter((s) => s.name === 'chat afc-model');
        expect(rounds.map((s) => s.attributes['gen_ai.response.finish_reasons'])).toEqual([
          ['tool_call'],
          ['stop'],
        ]);
        expect(run.summary['automatic-function-calling']).toMatchObject({
          text: 'Hello from the test server.',
        });
      });

      it('chats: one span per turn (no second span for the models call beneath)', () => {
        const turns = run.spans.filter((s) => s.name === 'chat gemini-3-flash-preview');
        expect(turns).toHaveLength(2);
        for (const s of turns) {
          expect(s.attributes).toMatchObject({
            'gen_ai.request.temperature': 0.5,
            ...USAGE_ATTRIBUTES,
          });
          // gemini-3-flash-preview: 1000 × 0.5 + 200 × 0.05 + 400 × 3.
          expect(s.attributes['sprintlens.cost.usd']).toBeCloseTo(0.00171, 10);
        }
        const streamed = span(run.spans, 'chat gemini-2.5-flash-lite');
        expect(streamed.attributes['gen_ai.provider.name']).toBe('gcp.vertex_ai');
        expect(run.summary['chat-stream']).toMatchObject({ history: expect.any(Number) as number });
      });

      it('thinking models: reasoning tokens; a blocked prompt: content_filter', () => {
        expect(attrs(run.spans, 'chat gemini-3-pro-preview')).toMatchObject(USAGE_ATTRIBUTES);
        expect(attrs(run.spans, 'chat blocked-model')).toMatchObject({
          'gen_ai.response.finish_reasons': ['content_filter'],
          'gen_ai.usage.input_tokens': 12,
        });
      });

      it('embedContent: embeddings spans, tokens where the API reports them', () => {
        const gemini = span(run.spans, 'embeddings gemini-embedding-001');
        expect(gemini.attributes).toMatchObject({
          'gen_ai.operation.name': 'embeddings',
          'gen_ai.provider.name': 'gcp.gemini',
          'gen_ai.embeddings.dimension.count': 3,
        });
        expect(gemini.attributes).not.toHaveProperty('gen_ai.usage.input_tokens');
        expect(attrs(run.spans, 'embeddings text-embedding-005')).toMatchObject({
          'gen_ai.provider.name': 'gcp.vertex_ai',
          'gen_ai.usage.input_tokens': 16,
        });
      });

      it('summed tokens over each trace equal what the server reported for it', async () => {
        // Streams the app left, or that broke, carry what was received, not what the server
        // went on to send: their traces are checked above, not here.
        const complete = run.spans.filter((s) =>
          [undefined, 'completed'].includes(s.attributes['sprintlens.stream.outcome'] as string),
        );
        const byTrace = new Map<string, ReceivedSpan[]>();
        for (const s of complete) byTrace.set(s.traceId, [...(byTrace.get(s.traceId) ?? []), s]);
        const ours = (await reported()).filter(
          (r) => r.traceId !== undefined && byTrace.has(r.traceId),
        );
        // Every complete response with usage (16), each in its span's trace.
        expect(ours).toHaveLength(16);
        const serverByTrace = new Map<string, { input: number; total: number }>();
        for (const r of ours) {
          const sum = serverByTrace.get(r.traceId!) ?? { input: 0, total: 0 };
          serverByTrace.set(r.traceId!, {
            input: sum.input + r.promptTokenCount,
            total: sum.total + r.totalTokenCount,
          });
        }
        for (const [traceId, server] of serverByTrace) {
          const spans = byTrace.get(traceId)!;
          const input = spans.reduce((n, s) => n + numberOf(s, 'gen_ai.usage.input_tokens'), 0);
          const output = spans.reduce((n, s) => n + numberOf(s, 'gen_ai.usage.output_tokens'), 0);
          expect({ traceId, input, total: input + output }).toEqual({ traceId, ...server });
        }
      });

      it('unknown models get no cost; content is captured nowhere when capture is off', () => {
        expect(attrs(run.spans, 'chat tool-model')).not.toHaveProperty('sprintlens.cost.usd');
        expectNoContentCaptured(run.spans, SECRET_WORDS);
      });
    });
  }
}

for (const kind of ['cjs', 'esm'] as const) {
  describe(`content capture on (@google/genai 3.x, ${kind})`, () => {
    const service = `google-genai-content-${kind}`;
    let run: Run;

    beforeAll(async () => {
      run = await instrumentedRun('3', kind, service, { SPRINTLENS_CAPTURE_CONTENT: 'true' });
    });

    it('system instruction, contents and the reply in the conventions shape, redacted', () => {
      const a = attrs(run.spans, 'chat gemini-2.5-flash');
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
          parts: [{ type: 'text', content: 'Hello from the test server.' }],
          finish_reason: 'stop',
        },
      ]);
      const thoughts = JSON.parse(
        attrs(run.spans, 'chat gemini-3-pro-preview')['gen_ai.output.messages'] as string,
      );
      expect(thoughts[0].parts).toEqual([
        { type: 'reasoning', content: 'The user wants a greeting.' },
        { type: 'text', content: 'Hello from the test server.' },
      ]);
    });

    it('function calls as tool_call parts, plain and streamed; responses as tool turns', () => {
      for (const model of ['tool-model', 'stream-tool-model']) {
        const out = JSON.parse(
          attrs(run.spans, `chat ${model}`)['gen_ai.output.messages'] as string,
        );
        expect(out, model).toEqual([
          {
            role: 'assistant',
            parts: [{ type: 'tool_call', name: 'get_weather', arguments: '{"city":"Paris"}' }],
            finish_reason: 'tool_call',
          },
        ]);
      }
      const input = JSON.parse(
        attrs(run.spans, 'chat tool-result-model')['gen_ai.input.messages'] as string,
      );
      expect(input.slice(1)).toEqual([
        {
          role: 'assistant',
          parts: [{ type: 'tool_call', name: 'get_weather', arguments: '{"city":"Paris"}' }],
        },
        {
          role: 'tool',
          parts: [{ type: 'tool_call_response', response: '{"forecast":"sunny"}' }],
        },
      ]);
      const streamed = JSON.parse(
        attrs(run.spans, 'chat gemini-2.0-flash')['gen_ai.output.messages'] as string,
      );
      expect(streamed[0].parts).toEqual([{ type: 'text', content: 'Hello from the test server.' }]);
    });

    it('a chat turn carries the conversation so far', () => {
      const [, second] = run.spans.filter((s) => s.name === 'chat gemini-3-flash-preview');
      const input = JSON.parse(second!.attributes['gen_ai.input.messages'] as string);
      expect(input.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user']);
    });

    it('the app still sees exactly the same results', async () => {
      const plain = await runGoogleGenAIApp({
        major: '3',
        kind,
        instrumented: false,
        llmUrl: backends.llmUrl,
      });
      expect(run.summary).toEqual(plain.summary);
    });
  });
}

describe('@google/genai imported by its `@google/genai/node` name, --import sprintlens/register', () => {
  it('is instrumented like the main entry', async () => {
    const service = 'google-genai-node-subpath';
    const result = await runApp({
      args: ['--import', 'sprintlens/register', 'google-genai-node-subpath.mjs'],
      env: { ...backends.exportEnv(service), LLM_URL: backends.llmUrl },
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Hello from the test server.');
    const spans = await backends.spansOf(service, 1);
    expect(spans.map((s) => [s.name, s.scope])).toEqual([['chat gemini-2.5-flash', SCOPE]]);
  });
});

describe('@google/genai required and its client made before start() is called', () => {
  it('the client is instrumented (its calls reach the patched prototype)', async () => {
    const service = 'google-genai-early-client';
    const result = await runApp({
      args: ['google-genai-early-client.cjs'],
      env: { ...backends.exportEnv(service), LLM_URL: backends.llmUrl },
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Hello from the test server.');
    const spans = await backends.spansOf(service, 2);
    expect(spans.map((s) => [s.name, s.scope])).toEqual([
      ['chat gemini-2.5-flash', SCOPE],
      ['chat gemini-2.5-flash', SCOPE],
    ]);
  });
});
