/**
 * A real app calling Amazon Bedrock Runtime through @aws-sdk/client-bedrock-runtime (the current
 * release and 3.943 from the version matrix) under `--require` and `--import
 * sprintlens/register`, against the local Bedrock wire-format server (HTTP/2, JSON and the binary
 * event stream), credentials and region from AWS_* variables, SigV4 by the SDK.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BEDROCK_USAGE, startBedrockServer } from '../support/llm-server';
import type { BedrockServer } from '../support/llm-server';
import type { ReceivedSpan } from '../support/otlp-receiver';
import { BEDROCK_VERSIONS, runBedrockApp } from './bedrock-harness';
import type { BedrockVersion } from './bedrock-harness';
import type { ModuleKind, ScenarioSummary } from './llm-app-harness';
import { llmBackendsForFile } from './llm-backends';
import { expectNoContentCaptured } from './llm-spans';

const backends = llmBackendsForFile();
let bedrock: BedrockServer | undefined;
beforeAll(async () => {
  bedrock = await startBedrockServer();
});
afterAll(async () => {
  await bedrock?.close();
});

function bedrockUrl(): string {
  if (bedrock === undefined) throw new Error('the Bedrock server is started in beforeAll');
  return bedrock.url;
}

const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const HAIKU_PROFILE = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const SCOPE = 'sprintlens-instrumentation-bedrock';
const SECRET_WORDS = ['Hello', 'terse', 'jane.doe', 'Paris', 'Say hello', 'sunny', 'embed me'];

/** Token counts of a trace, as the server reported them to the SDK. */
interface Tokens {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
}
const NONE: Tokens = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
/** Bedrock counts cache reads and writes apart from `inputTokens`: the span's input has them. */
const FULL: Tokens = {
  input:
    BEDROCK_USAGE.inputTokens +
    BEDROCK_USAGE.cacheReadInputTokens +
    BEDROCK_USAGE.cacheWriteInputTokens,
  output: BEDROCK_USAGE.outputTokens,
  cacheRead: BEDROCK_USAGE.cacheReadInputTokens,
  cacheWrite: BEDROCK_USAGE.cacheWriteInputTokens,
};
/** A Claude stream cut after `message_start`: its usage, with one output token so far. */
const CLAUDE_START: Tokens = { ...FULL, output: 1 };
const USAGE_ATTRIBUTES = {
  'gen_ai.usage.input_tokens': FULL.input,
  'gen_ai.usage.output_tokens': FULL.output,
  'gen_ai.usage.cache_read.input_tokens': FULL.cacheRead,
  'gen_ai.usage.cache_write.input_tokens': FULL.cacheWrite,
};

/**
 * What the server reported in each scenario (the app runs each in its own trace, with one model
 * call; count-tokens calls no model). Streams read to their end report everything; cut, reset,
 * aborted and failed ones what arrived before (Claude's `message_start` carries the input).
 */
const REPORTED: Readonly<Record<string, Tokens>> = {
  'converse-plain': FULL,
  'converse-stream': FULL,
  'converse-stream-break': NONE,
  'converse-stream-abort': NONE,
  'converse-stream-cut': NONE,
  'converse-stream-reset': NONE,
  'converse-stream-exception': NONE,
  'converse-stream-throttled': NONE,
  'converse-error-400': NONE,
  'converse-stream-error-429': NONE,
  'converse-tools': FULL,
  'converse-tool-result': FULL,
  'converse-stream-tools': FULL,
  'invoke-claude': FULL,
  'invoke-claude-tools': FULL,
  'invoke-nova': FULL,
  'invoke-titan': { ...NONE, input: 1000, output: 300 },
  'invoke-llama': { ...NONE, input: 1000, output: 300 },
  'invoke-embed': { ...NONE, input: 12 },
  'invoke-error-429': NONE,
  'invoke-stream-claude': FULL,
  'invoke-stream-nova': FULL,
  'invoke-stream-titan': FULL,
  'invoke-stream-llama': FULL,
  'invoke-stream-break': CLAUDE_START,
  'invoke-stream-cut': CLAUDE_START,
  'invoke-stream-exception': CLAUDE_START,
  'callback-converse': FULL,
  'aggregated-converse': FULL,
  'count-tokens': NONE,
};
const SCENARIOS = Object.keys(REPORTED);
const MODEL_CALLS = SCENARIOS.length - 1;
/** One span per scenario (the app's) and one per model call (ours). */
const EXPECTED_SPANS = SCENARIOS.length + MODEL_CALLS;

interface Run {
  summary: ScenarioSummary;
  spans: ReceivedSpan[];
  stderr: string;
  /** The model call span of each scenario (the child of its scenario span). */
  call(scenario: string): ReceivedSpan;
  /** Every span of the scenario's trace. */
  trace(scenario: string): ReceivedSpan[];
}

async function instrumentedRun(
  version: BedrockVersion,
  kind: ModuleKind,
  service: string,
  env: Record<string, string> = {},
): Promise<Run> {
  const { summary, result } = await runBedrockApp({
    version,
    kind,
    instrumented: true,
    llmUrl: bedrockUrl(),
    env: { ...backends.exportEnv(service), ...env },
  });
  const spans = await backends.spansOf(service, EXPECTED_SPANS);
  const root = (scenario: string): ReceivedSpan => {
    const found = spans.filter((s) => s.name === `scenario ${scenario}`);
    expect(found, scenario).toHaveLength(1);
    return found[0]!;
  };
  return {
    summary,
    spans,
    stderr: result.stderr,
    call(scenario) {
      const calls = spans.filter((s) => s.parentSpanId === root(scenario).spanId);
      expect(calls, scenario).toHaveLength(1);
      return calls[0]!;
    },
    trace: (scenario) => spans.filter((s) => s.traceId === root(scenario).traceId),
  };
}

for (const version of BEDROCK_VERSIONS) {
  for (const kind of ['cjs', 'esm'] as const) {
    const flag = kind === 'cjs' ? '--require' : '--import';
    describe(`@aws-sdk/client-bedrock-runtime ${version}, ${flag} sprintlens/register`, () => {
      const service = `bedrock-${version}-${kind}`;
      let baseline: ScenarioSummary;
      let run: Run;

      beforeAll(async () => {
        const plain = await runBedrockApp({
          version,
          kind,
          instrumented: false,
          llmUrl: bedrockUrl(),
        });
        baseline = plain.summary;
        run = await instrumentedRun(version, kind, service);
      });

      it('the app sees exactly what it sees uninstrumented (outputs, events, bytes, errors)', () => {
        expect(Object.keys(baseline)).toEqual(SCENARIOS);
        for (const [name, value] of Object.entries(baseline)) {
          expect(value, name).not.toHaveProperty('unexpected');
        }
        expect(run.summary).toEqual(baseline);
        expect(run.stderr).not.toContain('SL_GENAI');
        expect(run.summary['converse-stream']).toMatchObject({ ended: 'quietly' });
        expect((run.summary['converse-stream'] as { events: unknown[] }).events).toHaveLength(9);
        expect((run.summary['invoke-stream-claude'] as { events: unknown[] }).events).toHaveLength(
          10,
        );
      });

      it('exactly one CLIENT span per model call, ours, with provider and server', () => {
        const calls = run.spans.filter((s) => s.scope === SCOPE);
        expect(calls).toHaveLength(MODEL_CALLS);
        for (const scenario of SCENARIOS.filter((s) => s !== 'count-tokens')) {
          const span = run.call(scenario);
          expect(span.kind, scenario).toBe('SPAN_KIND_CLIENT');
          expect(span.scope, scenario).toBe(SCOPE);
          expect(span.attributes, scenario).toMatchObject({
            'gen_ai.provider.name': 'aws.bedrock',
            'server.address': '127.0.0.1',
            'server.port': Number(new URL(bedrockUrl()).port),
          });
        }
        expect(run.trace('count-tokens').map((s) => s.name)).toEqual(['scenario count-tokens']);
      });

      it('Converse: request parameters, usage with cache tokens, finish reason, cost', () => {
        const span = run.call('converse-plain');
        expect(span.name).toBe(`chat ${SONNET}`);
        expect(span.attributes).toMatchObject({
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': SONNET,
          'gen_ai.request.max_tokens': 50,
          'gen_ai.request.temperature': 0.2,
          'gen_ai.request.top_p': 0.9,
          'gen_ai.request.stop_sequences': ['END'],
          'gen_ai.response.finish_reasons': ['end_turn'],
          'aws.request_id': 'req-ok',
          ...USAGE_ATTRIBUTES,
        });
        // anthropic.claude-sonnet-4-5-20250929-v1 (regional): 1000 × 3.3 + 200 × 0.33
        // + 100 × 4.125 + 300 × 16.5, per million.
        expect(span.attributes['sprintlens.cost.usd']).toBeCloseTo(0.0087285, 10);
        expect(span.status.code).not.toBe('STATUS_CODE_ERROR');
      });

      it('ConverseStream read to the end: usage, chunks, time to first token, cost', () => {
        const span = run.call('converse-stream');
        expect(span.name).toBe(`chat ${HAIKU_PROFILE}`);
        expect(span.attributes).toMatchObject({
          ...USAGE_ATTRIBUTES,
          'gen_ai.response.finish_reasons': ['end_turn'],
          'sprintlens.stream.chunks': 9,
          'sprintlens.stream.outcome': 'completed',
        });
        expect(span.attributes['sprintlens.stream.time_to_first_token']).toBeGreaterThan(0);
        // The us. profile is priced as its regional model: 1000 × 1.1 + 200 × 0.11
        // + 100 × 1.375 + 300 × 5.5, per million.
        expect(span.attributes['sprintlens.cost.usd']).toBeCloseTo(0.0029095, 10);
      });

      it('streams end exactly once on every path: broken off, aborted, cut, reset, exception events', () => {
        for (const scenario of ['converse-stream-break', 'invoke-stream-break']) {
          expect(run.call(scenario).attributes, scenario).toMatchObject({
            'sprintlens.stream.outcome': 'cancelled',
            'sprintlens.stream.chunks': 4,
          });
        }
        const aborted = run.call('converse-stream-abort');
        expect(aborted.attributes['sprintlens.stream.outcome']).toBe('aborted');
        expect(aborted.status.code).not.toBe('STATUS_CODE_ERROR');
        const failed: [string, string][] = [
          ['converse-stream-cut', 'stream_truncated'],
          ['invoke-stream-cut', 'stream_truncated'],
          ['converse-stream-reset', 'Error'],
          ['converse-stream-exception', 'ModelStreamErrorException'],
          ['invoke-stream-exception', 'ModelStreamErrorException'],
          ['converse-stream-throttled', 'ThrottlingException'],
        ];
        for (const [scenario, errorType] of failed) {
          const span = run.call(scenario);
          expect(span.status.code, scenario).toBe('STATUS_CODE_ERROR');
          expect(span.attributes, scenario).toMatchObject({
            'error.type': errorType,
            'sprintlens.stream.outcome': 'error',
          });
          expect(span.attributes['sprintlens.stream.chunks'], scenario).toBeGreaterThanOrEqual(2);
        }
        // The SDK ends a stream whose connection dropped as if it were complete; the app sees no
        // error, the span says it was truncated.
        expect(run.summary['converse-stream-cut']).toMatchObject({ ended: 'quietly' });
        expect(run.summary['converse-stream-exception']).toMatchObject({
          error: 'ModelStreamErrorException',
        });
        expect(run.summary['converse-stream-throttled']).toMatchObject({
          error: 'ThrottlingException',
        });
      });

      it('HTTP errors keep their class for the app; error.type and status code on the span', () => {
        const errors: [string, string, number][] = [
          ['converse-error-400', 'ValidationException', 400],
          ['converse-stream-error-429', 'ThrottlingException', 429],
          ['invoke-error-429', 'ThrottlingException', 429],
        ];
        for (const [scenario, errorType, status] of errors) {
          expect(run.summary[scenario], scenario).toMatchObject({ error: errorType });
          const span = run.call(scenario);
          expect(span.status, scenario).toMatchObject({
            code: 'STATUS_CODE_ERROR',
            message: errorType,
          });
          expect(span.attributes, scenario).toMatchObject({
            'error.type': errorType,
            'http.response.status_code': status,
          });
        }
      });

      it('tool use: Converse toolUse and Claude tool_use, plain and streamed; the result turn', () => {
        for (const scenario of ['converse-tools', 'converse-stream-tools', 'invoke-claude-tools']) {
          expect(run.call(scenario).attributes['gen_ai.response.finish_reasons'], scenario).toEqual(
            ['tool_use'],
          );
        }
        expect(
          run.call('converse-tool-result').attributes['gen_ai.response.finish_reasons'],
        ).toEqual(['end_turn']);
        expect(run.summary['converse-tools']).toMatchObject({
          output: {
            output: {
              message: {
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
            },
          },
        });
      });

      it('InvokeModel and its stream per model family: operation, usage, finish reasons, cost', () => {
        const expected: [string, string, unknown, number][] = [
          ['invoke-claude', 'chat', ['end_turn'], 0.0087285],
          // amazon.nova-pro-v1: 1000 × 0.8 + 200 × 0.2 + 100 × 0.8 + 300 × 3.2, per million.
          ['invoke-nova', 'chat', ['end_turn'], 0.00188],
          ['invoke-titan', 'text_completion', ['FINISH'], (1000 * 0.2 + 300 * 0.6) / 1e6],
          ['invoke-llama', 'text_completion', ['stop'], ((1000 + 300) * 0.72) / 1e6],
          ['invoke-embed', 'embeddings', undefined, (12 * 0.02) / 1e6],
          ['invoke-stream-claude', 'chat', ['end_turn'], 0.0087285],
          ['invoke-stream-nova', 'chat', ['end_turn'], 0.00188],
          [
            'invoke-stream-titan',
            'text_completion',
            ['FINISH'],
            (1000 * 0.2 + 300 * 0.2 + 300 * 0.6) / 1e6,
          ],
          ['invoke-stream-llama', 'text_completion', ['stop'], ((1300 + 300) * 0.72) / 1e6],
        ];
        for (const [scenario, operation, reasons, cost] of expected) {
          const span = run.call(scenario);
          expect(span.attributes['gen_ai.operation.name'], scenario).toBe(operation);
          expect(span.attributes['gen_ai.response.finish_reasons'], scenario).toEqual(reasons);
          expect(span.attributes['sprintlens.cost.usd'], scenario).toBeCloseTo(cost, 12);
        }
        expect(run.call('invoke-claude').attributes).toMatchObject({
          'gen_ai.response.id': 'msg_bdrk_ok',
          'gen_ai.response.model': 'claude-sonnet-4-5-20250929',
          'gen_ai.request.max_tokens': 64,
        });
        for (const scenario of ['invoke-stream-claude', 'invoke-stream-nova']) {
          expect(run.call(scenario).attributes, scenario).toMatchObject({
            'sprintlens.stream.outcome': 'completed',
          });
        }
      });

      it('the callback form of send and the aggregated BedrockRuntime client get their spans', () => {
        expect(run.summary['callback-converse']).toMatchObject({ returned: 'undefined' });
        for (const scenario of ['callback-converse', 'aggregated-converse']) {
          expect(run.call(scenario).attributes, scenario).toMatchObject(USAGE_ATTRIBUTES);
        }
      });

      it('tokens summed over each trace equal what the server reported', () => {
        const sum = (spans: ReceivedSpan[], key: string): number =>
          spans.reduce((total, s) => total + ((s.attributes[key] as number | undefined) ?? 0), 0);
        for (const [scenario, tokens] of Object.entries(REPORTED)) {
          const spans = run.trace(scenario);
          expect(
            {
              input: sum(spans, 'gen_ai.usage.input_tokens'),
              output: sum(spans, 'gen_ai.usage.output_tokens'),
              cacheRead: sum(spans, 'gen_ai.usage.cache_read.input_tokens'),
              cacheWrite: sum(spans, 'gen_ai.usage.cache_write.input_tokens'),
            },
            scenario,
          ).toEqual(tokens);
        }
      });

      it('content is captured nowhere when capture is off', () => {
        expectNoContentCaptured(run.spans, SECRET_WORDS);
      });
    });
  }
}

for (const kind of ['cjs', 'esm'] as const) {
  describe(`content capture on (@aws-sdk/client-bedrock-runtime 3.1178, ${kind})`, () => {
    const service = `bedrock-content-${kind}`;
    let run: Run;

    beforeAll(async () => {
      run = await instrumentedRun('3.1178', kind, service, { SPRINTLENS_CAPTURE_CONTENT: 'true' });
    });

    const json = (span: ReceivedSpan, key: string): unknown =>
      JSON.parse(span.attributes[key] as string);
    const redactedUser = [
      {
        role: 'user',
        parts: [{ type: 'text', content: 'Say hello. My email is [REDACTED:email]' }],
      },
    ];
    const reply = (finish: string) => [
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'Hello from the test server.' }],
        finish_reason: finish,
      },
    ];

    it('Converse, ConverseStream and the Claude and Nova bodies: conventions shape, redacted', () => {
      for (const scenario of [
        'converse-plain',
        'converse-stream',
        'invoke-nova',
        'invoke-claude',
      ]) {
        const span = run.call(scenario);
        expect(json(span, 'gen_ai.system_instructions'), scenario).toEqual([
          { type: 'text', content: 'You are terse.' },
        ]);
        expect(json(span, 'gen_ai.input.messages'), scenario).toEqual(redactedUser);
        expect(json(span, 'gen_ai.output.messages'), scenario).toEqual(reply('end_turn'));
      }
      for (const scenario of ['invoke-stream-claude', 'invoke-stream-nova']) {
        expect(json(run.call(scenario), 'gen_ai.output.messages'), scenario).toEqual(
          reply('end_turn'),
        );
      }
    });

    it('prompt bodies (Titan, Llama) as one user message; their replies, plain and streamed', () => {
      for (const [scenario, finish] of [
        ['invoke-titan', 'FINISH'],
        ['invoke-llama', 'stop'],
        ['invoke-stream-titan', 'FINISH'],
        ['invoke-stream-llama', 'stop'],
      ] as const) {
        const span = run.call(scenario);
        expect(json(span, 'gen_ai.input.messages'), scenario).toEqual(redactedUser);
        expect(json(span, 'gen_ai.output.messages'), scenario).toEqual(reply(finish));
      }
    });

    it('tool calls and tool results as conventions parts, plain and streamed', () => {
      const toolCall = {
        type: 'tool_call',
        id: 'tooluse_1',
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
      };
      for (const scenario of ['converse-tools', 'converse-stream-tools', 'invoke-claude-tools']) {
        expect(json(run.call(scenario), 'gen_ai.output.messages'), scenario).toEqual([
          { role: 'assistant', parts: [toolCall], finish_reason: 'tool_use' },
        ]);
      }
      expect(
        (json(run.call('converse-tool-result'), 'gen_ai.input.messages') as unknown[]).slice(1),
      ).toEqual([
        { role: 'assistant', parts: [toolCall] },
        {
          role: 'user',
          parts: [{ type: 'tool_call_response', id: 'tooluse_1', response: 'sunny' }],
        },
      ]);
    });

    it('the app still sees exactly the same results', async () => {
      const plain = await runBedrockApp({
        version: '3.1178',
        kind,
        instrumented: false,
        llmUrl: bedrockUrl(),
      });
      expect(run.summary).toEqual(plain.summary);
    });
  });
}
