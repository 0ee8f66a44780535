import { beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedSpan } from '../support/otlp-receiver';
import type { ModuleKind, ScenarioSummary } from './llm-app-harness';
import { llmBackendsForFile } from './llm-backends';
import { attrs, expectHttpErrorSpans, expectNoContentCaptured, span } from './llm-spans';
import { OPENAI_MAJORS, runOpenAIApp } from './openai-harness';
import type { OpenAIMajor } from './openai-harness';

const backends = llmBackendsForFile();

/** Spans the app must produce: one per LLM call (runTools makes two). */
const EXPECTED_SPANS = 26;
const SECRET_WORDS = ['Hello', 'terse', 'jane.doe', 'Paris', 'Say hello', 'get_weather'];

async function instrumentedRun(
  major: OpenAIMajor,
  kind: ModuleKind,
  service: string,
  env: Record<string, string> = {},
): Promise<{ summary: ScenarioSummary; spans: ReceivedSpan[]; stderr: string }> {
  const { summary, result } = await runOpenAIApp({
    major,
    kind,
    instrumented: true,
    llmUrl: backends.llmUrl,
    env: { ...backends.exportEnv(service), ...env },
  });
  return { summary, spans: await backends.spansOf(service, EXPECTED_SPANS), stderr: result.stderr };
}

for (const major of OPENAI_MAJORS) {
  for (const kind of ['cjs', 'esm'] as const) {
    describe(`openai ${major}, ${kind === 'cjs' ? '--require' : '--import'} sprintlens/register`, () => {
      const service = `openai-${major}-${kind}`;
      let baseline: ScenarioSummary;
      let run: { summary: ScenarioSummary; spans: ReceivedSpan[]; stderr: string };

      beforeAll(async () => {
        const plain = await runOpenAIApp({
          major,
          kind,
          instrumented: false,
          llmUrl: backends.llmUrl,
        });
        baseline = plain.summary;
        run = await instrumentedRun(major, kind, service);
      });

      it('the app sees exactly what it sees uninstrumented (chunks, events, errors, shapes)', () => {
        for (const [name, value] of Object.entries(baseline)) {
          expect(value, name).not.toHaveProperty('unexpected');
        }
        expect(run.summary).toEqual(baseline);
        expect(run.summary['chat-with-response']).toMatchObject({
          promiseType: 'APIPromise',
          keys: ['data', 'request_id', 'response'],
          request_id: 'req_200',
        });
        expect(run.summary['chat-stream']).toMatchObject({ type: 'Stream', hasController: true });
        expect(run.stderr).not.toContain('SL_GENAI');
      });

      it('chat completion: CLIENT span with request, response, usage and cost attributes', () => {
        const s = span(run.spans, 'chat gpt-4o-2024-08-06');
        expect(s.kind).toBe('SPAN_KIND_CLIENT');
        expect(s.scope).toBe('sprintlens-instrumentation-openai');
        expect(s.attributes).toMatchObject({
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o-2024-08-06',
          'gen_ai.request.temperature': 0.2,
          'gen_ai.request.max_tokens': 50,
          'gen_ai.request.top_p': 0.9,
          'gen_ai.request.frequency_penalty': 0.1,
          'gen_ai.request.presence_penalty': 0.2,
          'gen_ai.request.stop_sequences': ['END'],
          'gen_ai.request.seed': 7,
          'gen_ai.response.id': 'chatcmpl-ok',
          'gen_ai.response.model': 'gpt-4o-2024-08-06',
          'gen_ai.response.finish_reasons': ['stop'],
          'gen_ai.usage.input_tokens': 1200,
          'gen_ai.usage.output_tokens': 300,
          'gen_ai.usage.cache_read.input_tokens': 200,
          'server.address': '127.0.0.1',
        });
        // gpt-4o: 1000 uncached × 2.5 + 200 cached × 1.25 + 300 × 10, per million.
        expect(s.attributes['sprintlens.cost.usd']).toBeCloseTo(0.00575, 10);
        expect(s.status.code).not.toBe('STATUS_CODE_ERROR');
      });

      it('withResponse() and asResponse() calls get complete, ended spans', () => {
        expect(attrs(run.spans, 'chat with-response-model')).toMatchObject({
          'gen_ai.response.id': 'chatcmpl-ok',
          'gen_ai.usage.output_tokens': 300,
        });
        const raw = span(run.spans, 'chat as-response-model');
        expect(raw.attributes).not.toHaveProperty('error.type');
        expect(raw.attributes).not.toHaveProperty('sprintlens.cost.usd');
      });

      it('streams: usage added and hidden, time to first token, cost, chunk count', () => {
        const a = attrs(run.spans, 'chat gpt-4o-mini');
        expect(a).toMatchObject({
          'gen_ai.usage.input_tokens': 1200,
          'gen_ai.usage.output_tokens': 300,
          'gen_ai.response.finish_reasons': ['stop'],
          'sprintlens.stream.chunks': 7,
          'sprintlens.stream.outcome': 'completed',
        });
        expect(a['sprintlens.stream.time_to_first_token']).toBeGreaterThan(0);
        expect(a['sprintlens.cost.usd']).toBeCloseTo(
          (1000 * 0.15 + 200 * 0.075 + 300 * 0.6) / 1e6,
          12,
        );
        // The app asked for usage itself: it sees the usage chunk (8 chunks), priced by family.
        const own = attrs(run.spans, 'chat gpt-4o-mini-2024-07-18');
        expect(own['sprintlens.stream.chunks']).toBe(8);
        expect(own['sprintlens.cost.usd']).toBeCloseTo(a['sprintlens.cost.usd'] as number, 12);
        const chunks = (run.summary['chat-stream'] as { chunks: Record<string, unknown>[] }).chunks;
        expect(chunks).toHaveLength(7);
        for (const chunk of chunks) expect(chunk).not.toHaveProperty('usage');
      });

      it('streams end exactly once on every path, with what was received', () => {
        expect(attrs(run.spans, 'chat break-model')).toMatchObject({
          'sprintlens.stream.outcome': 'cancelled',
          'sprintlens.stream.chunks': 2,
        });
        for (const model of ['abort-model', 'signal-model']) {
          const s = span(run.spans, `chat ${model}`);
          expect(s.attributes).toMatchObject({ 'sprintlens.stream.outcome': 'aborted' });
          expect(s.attributes['sprintlens.stream.chunks']).toBeGreaterThanOrEqual(2);
          expect(s.attributes['sprintlens.stream.time_to_first_token']).toBeGreaterThan(0);
        }
        const errorEvent = span(run.spans, 'chat error-event-model');
        expect(errorEvent.status.code).toBe('STATUS_CODE_ERROR');
        expect(errorEvent.attributes).toMatchObject({
          'error.type': 'APIError',
          'sprintlens.stream.outcome': 'error',
          'sprintlens.stream.chunks': 3,
          'gen_ai.response.id': 'chatcmpl-stream-error',
        });
        const cut = span(run.spans, 'chat cut-model');
        expect(cut.status.code).toBe('STATUS_CODE_ERROR');
        expect(cut.attributes['sprintlens.stream.outcome']).toBe('error');
        expect(cut.attributes['sprintlens.stream.chunks']).toBe(3);
        expect(run.summary['chat-stream-cut']).toHaveProperty('error');
        for (const model of ['tee-model', 'readable-model']) {
          expect(attrs(run.spans, `chat ${model}`)).toMatchObject({
            'sprintlens.stream.outcome': 'completed',
            'sprintlens.stream.chunks': 7,
            'gen_ai.usage.output_tokens': 300,
          });
        }
        const tee = run.summary['chat-stream-tee'] as { left: unknown[]; right: unknown[] };
        expect(tee.left).toEqual(tee.right);
        expect(tee.left).toHaveLength(7);
      });

      it('HTTP errors: error.type, status code, status ERROR; the app gets the same error', () => {
        expectHttpErrorSpans(run.spans);
        expect(run.summary['chat-error-429']).toMatchObject({
          error: 'RateLimitError',
          status: 429,
        });
      });

      it('tool calls, helpers (stream(), runTools()), embeddings, completions, responses, Azure', () => {
        expect(attrs(run.spans, 'chat tool-model')['gen_ai.response.finish_reasons']).toEqual([
          'tool_calls',
        ]);
        expect(
          attrs(run.spans, 'chat stream-tool-model')['gen_ai.response.finish_reasons'],
        ).toEqual(['tool_calls']);
        expect(attrs(run.spans, 'chat helper-stream-model')).toMatchObject({
          'sprintlens.stream.outcome': 'completed',
          'gen_ai.usage.output_tokens': 300,
        });
        const runTools = run.spans.filter((s) => s.name === 'chat run-tools-model');
        expect(runTools.map((s) => s.attributes['gen_ai.response.finish_reasons']).sort()).toEqual([
          ['stop'],
          ['tool_calls'],
        ]);
        expect(attrs(run.spans, 'embeddings text-embedding-3-small')).toMatchObject({
          'gen_ai.operation.name': 'embeddings',
          'gen_ai.usage.input_tokens': 8,
          'gen_ai.request.encoding_formats': ['float'],
          'sprintlens.cost.usd': (8 * 0.02) / 1e6,
        });
        expect(attrs(run.spans, 'text_completion gpt-3.5-turbo-instruct')).toMatchObject({
          'gen_ai.operation.name': 'text_completion',
          'gen_ai.response.finish_reasons': ['length'],
          'gen_ai.request.max_tokens': 5,
        });
        expect(attrs(run.spans, 'text_completion gpt-3.5-turbo-instruct-0914')).toMatchObject({
          'sprintlens.stream.chunks': 5,
          'gen_ai.usage.input_tokens': 5,
        });
        expect(attrs(run.spans, 'chat gpt-4.1-2025-04-14')).toMatchObject({
          'gen_ai.response.id': 'resp-ok',
          'gen_ai.request.max_tokens': 64,
          'gen_ai.request.temperature': 0.5,
          'gen_ai.usage.input_tokens': 1000,
          'gen_ai.usage.output_tokens': 100,
          'gen_ai.response.finish_reasons': ['stop'],
          'sprintlens.cost.usd': (1000 * 2 + 100 * 8) / 1e6,
        });
        for (const model of ['responses-stream-model', 'responses-helper-model']) {
          expect(attrs(run.spans, `chat ${model}`)).toMatchObject({
            'sprintlens.stream.outcome': 'completed',
            'gen_ai.usage.output_tokens': 100,
          });
        }
        const responsesError = span(run.spans, 'chat responses-error-model');
        expect(responsesError.status.code).toBe('STATUS_CODE_ERROR');
        expect(responsesError.attributes).not.toHaveProperty('gen_ai.response.finish_reasons');
        expect(attrs(run.spans, 'chat gpt-4o')['gen_ai.provider.name']).toBe('azure.ai.openai');
      });

      it('unknown models get no cost; content is captured nowhere when capture is off', () => {
        expect(attrs(run.spans, 'chat tee-model')).not.toHaveProperty('sprintlens.cost.usd');
        expectNoContentCaptured(run.spans, SECRET_WORDS);
      });
    });
  }
}

for (const kind of ['cjs', 'esm'] as const) {
  describe(`content capture on (openai 7, ${kind})`, () => {
    const service = `openai-content-${kind}`;
    let run: { summary: ScenarioSummary; spans: ReceivedSpan[] };

    beforeAll(async () => {
      run = await instrumentedRun('7', kind, service, { SPRINTLENS_CAPTURE_CONTENT: 'true' });
    });

    it('input and output messages in the conventions shape, redacted', () => {
      const a = attrs(run.spans, 'chat gpt-4o-2024-08-06');
      expect(JSON.parse(a['gen_ai.input.messages'] as string)).toEqual([
        { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
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
    });

    it('tool calls with their arguments, plain and streamed; streamed text reassembled', () => {
      for (const model of ['tool-model', 'stream-tool-model']) {
        const out = JSON.parse(
          attrs(run.spans, `chat ${model}`)['gen_ai.output.messages'] as string,
        );
        expect(out).toEqual([
          {
            role: 'assistant',
            parts: [
              {
                type: 'tool_call',
                id: 'call_1',
                name: 'get_weather',
                arguments: '{"city":"Paris"}',
              },
            ],
            finish_reason: 'tool_calls',
          },
        ]);
      }
      const streamed = JSON.parse(
        attrs(run.spans, 'chat gpt-4o-mini')['gen_ai.output.messages'] as string,
      );
      expect(streamed[0].parts).toEqual([{ type: 'text', content: 'Hello from the test server.' }]);
      const second = run.spans.find(
        (s) =>
          s.name === 'chat run-tools-model' &&
          String(s.attributes['gen_ai.input.messages']).includes('tool_call_response'),
      );
      expect(second).toBeDefined();
    });

    it('Responses API: instructions as system instructions, input and output messages', () => {
      const a = attrs(run.spans, 'chat gpt-4.1-2025-04-14');
      expect(JSON.parse(a['gen_ai.system_instructions'] as string)).toEqual([
        { type: 'text', content: 'Be terse.' },
      ]);
      expect(JSON.parse(a['gen_ai.input.messages'] as string)).toEqual([
        { role: 'user', parts: [{ type: 'text', content: 'Say hello' }] },
      ]);
      expect(JSON.parse(a['gen_ai.output.messages'] as string)).toEqual([
        {
          role: 'assistant',
          parts: [{ type: 'text', content: 'Hello from the test server.' }],
          finish_reason: 'stop',
        },
      ]);
    });

    it('the app still sees exactly the same results', async () => {
      const plain = await runOpenAIApp({
        major: '7',
        kind,
        instrumented: false,
        llmUrl: backends.llmUrl,
      });
      expect(run.summary).toEqual(plain.summary);
    });
  });
}
