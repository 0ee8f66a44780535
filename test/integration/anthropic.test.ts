import { beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedSpan } from '../support/otlp-receiver';
import { ANTHROPIC_VERSIONS, runAnthropicApp } from './anthropic-harness';
import type { AnthropicVersion } from './anthropic-harness';
import type { ModuleKind, ScenarioSummary } from './llm-app-harness';
import { llmBackendsForFile } from './llm-backends';
import { attrs, expectHttpErrorSpans, expectNoContentCaptured, span } from './llm-spans';

const backends = llmBackendsForFile();

/** Spans the app must produce: exactly one per LLM call. */
const EXPECTED_SPANS = 20;
const SDK_SCOPE = 'com.anthropic.sdk.typescript';
const SECRET_WORDS = ['Hello', 'terse', 'jane.doe', 'Paris', 'Say hello', 'sunny'];
// Anthropic reports cache tokens apart from `input_tokens` (1000): the span's input count
// includes them, as the conventions want.
const USAGE_ATTRIBUTES = {
  'gen_ai.usage.input_tokens': 1300,
  'gen_ai.usage.output_tokens': 300,
  'gen_ai.usage.cache_read.input_tokens': 200,
  'gen_ai.usage.cache_write.input_tokens': 100,
};

interface Run {
  summary: ScenarioSummary;
  spans: ReceivedSpan[];
  stderr: string;
}

async function instrumentedRun(
  version: AnthropicVersion,
  kind: ModuleKind,
  service: string,
  env: Record<string, string> = {},
  expected = EXPECTED_SPANS,
): Promise<Run> {
  const { summary, result } = await runAnthropicApp({
    version,
    kind,
    instrumented: true,
    llmUrl: backends.llmUrl,
    env: { ...backends.exportEnv(service), ...env },
  });
  return { summary, spans: await backends.spansOf(service, expected), stderr: result.stderr };
}

for (const version of ANTHROPIC_VERSIONS) {
  for (const kind of ['cjs', 'esm'] as const) {
    const flag = kind === 'cjs' ? '--require' : '--import';
    describe(`@anthropic-ai/sdk ${version}, ${flag} sprintlens/register`, () => {
      const service = `anthropic-${version}-${kind}`;
      let baseline: ScenarioSummary;
      let run: Run;

      beforeAll(async () => {
        const plain = await runAnthropicApp({
          version,
          kind,
          instrumented: false,
          llmUrl: backends.llmUrl,
        });
        baseline = plain.summary;
        run = await instrumentedRun(version, kind, service);
      });

      it('the app sees exactly what it sees uninstrumented (events, helper events, errors, shapes)', () => {
        for (const [name, value] of Object.entries(baseline)) {
          expect(value, name).not.toHaveProperty('unexpected');
        }
        expect(run.summary).toEqual(baseline);
        expect(run.summary['msg-with-response']).toMatchObject({
          promiseType: 'APIPromise',
          keys: ['data', 'request_id', 'response'],
          status: 200,
        });
        expect(run.summary['msg-stream']).toMatchObject({ type: 'Stream', hasController: true });
        expect(run.summary['helper-stream']).toMatchObject({
          final: { content: [{ type: 'text', text: 'Hello from the test server.' }] },
        });
        expect(run.stderr).not.toContain('SL_GENAI');
      });

      it('exactly one span per LLM call, all ours (the SDK traces none of them itself)', () => {
        expect(run.spans).toHaveLength(EXPECTED_SPANS);
        expect(run.spans.filter((s) => s.scope === SDK_SCOPE)).toEqual([]);
        for (const s of run.spans) {
          expect(s.scope).toBe('sprintlens-instrumentation-anthropic');
          expect(s.kind).toBe('SPAN_KIND_CLIENT');
        }
      });

      it('messages.create: CLIENT span with request, response, usage, cache tokens and cost', () => {
        const s = span(run.spans, 'chat claude-sonnet-4-5-20250929');
        expect(s.attributes).toMatchObject({
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.request.model': 'claude-sonnet-4-5-20250929',
          'gen_ai.request.max_tokens': 50,
          'gen_ai.request.temperature': 0.2,
          'gen_ai.request.top_p': 0.9,
          'gen_ai.request.top_k': 40,
          'gen_ai.request.stop_sequences': ['END'],
          'gen_ai.response.id': 'msg_ok',
          'gen_ai.response.model': 'claude-sonnet-4-5-20250929',
          'gen_ai.response.finish_reasons': ['end_turn'],
          'server.address': '127.0.0.1',
          ...USAGE_ATTRIBUTES,
        });
        // claude-sonnet-4-5: 1000 uncached × 3 + 200 cache reads × 0.3 + 100 cache writes × 3.75
        // + 300 output × 15, per million.
        expect(s.attributes['sprintlens.cost.usd']).toBeCloseTo(0.007935, 10);
        expect(s.status.code).not.toBe('STATUS_CODE_ERROR');
      });

      it('withResponse() and asResponse() calls get complete, ended spans', () => {
        expect(attrs(run.spans, 'chat with-response-model')).toMatchObject({
          'gen_ai.response.id': 'msg_ok',
          'gen_ai.usage.output_tokens': 300,
        });
        const raw = span(run.spans, 'chat as-response-model');
        expect(raw.attributes).not.toHaveProperty('error.type');
        expect(raw.status.code).not.toBe('STATUS_CODE_ERROR');
      });

      it('stream: true: usage from message_start/message_delta, time to first token, cost', () => {
        const a = attrs(run.spans, 'chat claude-haiku-4-5');
        expect(a).toMatchObject({
          ...USAGE_ATTRIBUTES,
          'gen_ai.response.id': 'msg_ok',
          'gen_ai.response.finish_reasons': ['end_turn'],
          'sprintlens.stream.chunks': 10,
          'sprintlens.stream.outcome': 'completed',
        });
        expect(a['sprintlens.stream.time_to_first_token']).toBeGreaterThan(0);
        expect(a['sprintlens.cost.usd']).toBeCloseTo(
          (1000 * 1 + 200 * 0.1 + 100 * 1.25 + 300 * 5) / 1e6,
          12,
        );
        const events = (run.summary['msg-stream'] as { events: { type: string }[] }).events;
        expect(events.map((e) => e.type)).toEqual([
          'message_start',
          'content_block_start',
          'content_block_delta',
          'content_block_delta',
          'content_block_delta',
          'content_block_delta',
          'content_block_delta',
          'content_block_stop',
          'message_delta',
          'message_stop',
        ]);
      });

      it('streams end exactly once on every path, with what was received', () => {
        expect(attrs(run.spans, 'chat break-model')).toMatchObject({
          'sprintlens.stream.outcome': 'cancelled',
          'sprintlens.stream.chunks': 4,
        });
        for (const model of ['abort-model', 'helper-abort-model']) {
          const s = span(run.spans, `chat ${model}`);
          expect(s.attributes).toMatchObject({ 'sprintlens.stream.outcome': 'aborted' });
          expect(s.attributes['sprintlens.stream.chunks']).toBeGreaterThanOrEqual(4);
          expect(s.attributes['sprintlens.stream.time_to_first_token']).toBeGreaterThan(0);
          expect(s.status.code).not.toBe('STATUS_CODE_ERROR');
        }
        for (const model of ['error-event-model', 'helper-error-model']) {
          const s = span(run.spans, `chat ${model}`);
          expect(s.status.code).toBe('STATUS_CODE_ERROR');
          expect(s.attributes).toMatchObject({
            'error.type': 'APIError',
            'sprintlens.stream.outcome': 'error',
            'gen_ai.response.id': 'msg_stream-error',
          });
          expect(s.attributes).not.toHaveProperty('gen_ai.response.finish_reasons');
        }
        expect(run.summary['msg-stream-error-event']).toMatchObject({ error: 'APIError' });
        const cut = span(run.spans, 'chat cut-model');
        expect(cut.status.code).toBe('STATUS_CODE_ERROR');
        expect(cut.attributes['sprintlens.stream.outcome']).toBe('error');
        expect(cut.attributes['sprintlens.stream.chunks']).toBe(4);
        expect(run.summary['msg-stream-cut']).toHaveProperty('error');
        for (const model of ['tee-model', 'readable-model']) {
          expect(attrs(run.spans, `chat ${model}`)).toMatchObject({
            'sprintlens.stream.outcome': 'completed',
            'sprintlens.stream.chunks': 10,
            'gen_ai.usage.output_tokens': 300,
          });
        }
        const tee = run.summary['msg-stream-tee'] as { left: unknown[]; right: unknown[] };
        expect(tee.left).toEqual(tee.right);
        expect(tee.left).toHaveLength(10);
      });

      it('HTTP errors: error.type, status code, status ERROR; the app gets the same error', () => {
        expectHttpErrorSpans(run.spans);
        expect(run.summary['msg-error-429']).toMatchObject({
          error: 'RateLimitError',
          status: 429,
        });
      });

      it('tool use (plain, streamed, stream() helper) and messages.stream() helpers', () => {
        for (const model of ['tool-model', 'stream-tool-model', 'helper-tool-model']) {
          expect(attrs(run.spans, `chat ${model}`)['gen_ai.response.finish_reasons']).toEqual([
            'tool_use',
          ]);
        }
        expect(
          attrs(run.spans, 'chat tool-result-model')['gen_ai.response.finish_reasons'],
        ).toEqual(['end_turn']);
        for (const model of ['helper-stream-model', 'helper-iterate-model']) {
          expect(attrs(run.spans, `chat ${model}`)).toMatchObject({
            ...USAGE_ATTRIBUTES,
            'sprintlens.stream.outcome': 'completed',
            'sprintlens.stream.chunks': 10,
          });
        }
        expect(run.summary['helper-stream-tool']).toMatchObject({
          content: [
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          ],
        });
      });

      it('unknown models get no cost; content is captured nowhere when capture is off', () => {
        expect(attrs(run.spans, 'chat tee-model')).not.toHaveProperty('sprintlens.cost.usd');
        expectNoContentCaptured(run.spans, SECRET_WORDS);
      });
    });
  }
}

describe('@anthropic-ai/sdk 1.12 traces itself: why sprintlens suppresses its span', () => {
  it('with our instrumentation disabled, the SDK makes its own span, without the contract', async () => {
    const service = 'anthropic-self-traced';
    const run = await instrumentedRun(
      '1.12',
      'cjs',
      service,
      {
        OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'anthropic',
        LLM_SCENARIOS: 'msg-plain,msg-error-429',
      },
      2,
    );
    expect(run.spans).toHaveLength(2);
    const [ok, failed] = [
      run.spans.find((s) => s.attributes['gen_ai.request.model'] === 'claude-sonnet-4-5-20250929'),
      run.spans.find((s) => s.attributes['gen_ai.request.model'] === 'rate-limited-model'),
    ];
    // The SDK's own span: its own name and scope, and neither cost nor the request parameters
    // nor finish reasons nor the error's class (all of which the contract asks for).
    expect(ok?.scope).toBe(SDK_SCOPE);
    expect(ok?.name).toBe('anthropic.messages.create');
    expect(ok?.attributes).toMatchObject(USAGE_ATTRIBUTES);
    expect(ok?.attributes).not.toHaveProperty('sprintlens.cost.usd');
    expect(ok?.attributes).not.toHaveProperty('gen_ai.request.temperature');
    expect(ok?.attributes).not.toHaveProperty('gen_ai.response.finish_reasons');
    expect(failed?.attributes['error.type']).toBe('rate_limit_error');
  });
});

for (const kind of ['cjs', 'esm'] as const) {
  describe(`content capture on (@anthropic-ai/sdk 1.12, ${kind})`, () => {
    const service = `anthropic-content-${kind}`;
    let run: Run;

    beforeAll(async () => {
      run = await instrumentedRun('1.12', kind, service, { SPRINTLENS_CAPTURE_CONTENT: 'true' });
    });

    it('system instructions, input and output messages in the conventions shape, redacted', () => {
      const a = attrs(run.spans, 'chat claude-sonnet-4-5-20250929');
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
          finish_reason: 'end_turn',
        },
      ]);
    });

    it('tool_use blocks as tool calls, plain and streamed; tool results; streamed text', () => {
      for (const model of ['tool-model', 'stream-tool-model', 'helper-tool-model']) {
        const out = JSON.parse(
          attrs(run.spans, `chat ${model}`)['gen_ai.output.messages'] as string,
        );
        expect(out, model).toEqual([
          {
            role: 'assistant',
            parts: [
              {
                type: 'tool_call',
                id: 'toolu_1',
                name: 'get_weather',
                arguments: '{"city":"Paris"}',
              },
            ],
            finish_reason: 'tool_use',
          },
        ]);
      }
      const input = JSON.parse(
        attrs(run.spans, 'chat tool-result-model')['gen_ai.input.messages'] as string,
      );
      expect(input.slice(1)).toEqual([
        {
          role: 'assistant',
          parts: [
            {
              type: 'tool_call',
              id: 'toolu_1',
              name: 'get_weather',
              arguments: '{"city":"Paris"}',
            },
          ],
        },
        { role: 'user', parts: [{ type: 'tool_call_response', id: 'toolu_1', response: 'sunny' }] },
      ]);
      for (const model of ['claude-haiku-4-5', 'helper-stream-model']) {
        const streamed = JSON.parse(
          attrs(run.spans, `chat ${model}`)['gen_ai.output.messages'] as string,
        );
        expect(streamed[0].parts).toEqual([
          { type: 'text', content: 'Hello from the test server.' },
        ]);
      }
    });

    it('the app still sees exactly the same results', async () => {
      const plain = await runAnthropicApp({
        version: '1.12',
        kind,
        instrumented: false,
        llmUrl: backends.llmUrl,
      });
      expect(run.summary).toEqual(plain.summary);
    });
  });
}
