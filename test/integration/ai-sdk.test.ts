/**
 * The Vercel AI SDK in real processes, under `--require` and `--import sprintlens/register`:
 * `ai` 7 (the root's, with @ai-sdk/openai 4 and @ai-sdk/anthropic 4) and `ai` 6 (with their
 * majors 3, from test/versions/ai-6), against the local OpenAI-format (Responses API, the
 * default, and Chat Completions) and Anthropic-format servers: plain calls, tool loops, streams
 * read to the end, broken off, cut by the server and aborted, errors, objects, embeddings, a
 * call with telemetry turned off, and a custom provider that calls the `openai` package.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE_USAGE } from '../support/llm-server/anthropic';
import { USAGE } from '../support/llm-server/openai';
import type { ReceivedSpan } from '../support/otlp-receiver';
import { runScenarioApp } from './llm-app-harness';
import type { ModuleKind, ScenarioAppSpec, ScenarioSummary } from './llm-app-harness';
import { llmBackendsForFile } from './llm-backends';
import { expectNoContentCaptured, span } from './llm-spans';

const backends = llmBackendsForFile();

/** What the local server reports per call: Responses API, Chat Completions, Anthropic. */
const RESPONSES = { input: 1000, output: 100, cacheRead: 0 };
const CHAT = { input: USAGE.prompt_tokens, output: USAGE.completion_tokens, cacheRead: 200 };
// Anthropic counts cache reads and writes apart from input_tokens; spans count all input.
const CLAUDE = {
  input:
    CLAUDE_USAGE.input_tokens +
    CLAUDE_USAGE.cache_read_input_tokens +
    CLAUDE_USAGE.cache_creation_input_tokens,
  output: CLAUDE_USAGE.output_tokens,
  cacheRead: CLAUDE_USAGE.cache_read_input_tokens,
};
const EMBEDDING = { input: 8, output: 0, cacheRead: 0 };

/**
 * Each scenario's trace: its root span, the tree under it (children sorted by name), and the
 * usage its model calls report (what a sum over the trace must give).
 */
const TRACES: readonly {
  readonly scenario: string;
  readonly tree: readonly string[];
  readonly usage: { input: number; output: number; cacheRead: number };
}[] = [
  { scenario: 'text', tree: ['invoke_agent generateText', '  chat gpt-4o-mini'], usage: RESPONSES },
  {
    scenario: 'text-chat',
    tree: ['invoke_agent generateText', '  chat gpt-4o-2024-08-06'],
    usage: CHAT,
  },
  {
    scenario: 'tools',
    tree: [
      'invoke_agent weather_agent',
      '  chat gpt-4.1',
      '  chat gpt-4.1',
      '  execute_tool get_weather',
    ],
    usage: times(RESPONSES, 2),
  },
  {
    scenario: 'agent',
    tree: [
      'invoke_agent trip_agent',
      '  chat gpt-4.1',
      '  chat gpt-4.1',
      '  execute_tool get_weather',
    ],
    usage: times(RESPONSES, 2),
  },
  { scenario: 'stream', tree: ['invoke_agent streamText', '  chat gpt-4o-mini'], usage: RESPONSES },
  {
    scenario: 'stream-tools',
    tree: [
      'invoke_agent streamText',
      '  chat claude-haiku-4-5',
      '  chat claude-haiku-4-5',
      '  execute_tool get_weather',
    ],
    usage: times(CLAUDE, 2),
  },
  {
    scenario: 'stream-break',
    tree: ['invoke_agent streamText', '  chat break-model'],
    usage: times(RESPONSES, 0),
  },
  {
    scenario: 'agent-stream-break',
    tree: ['invoke_agent streaming_agent', '  chat agent-break-model'],
    usage: times(RESPONSES, 0),
  },
  {
    scenario: 'stream-cut',
    tree: ['invoke_agent streamText', '  chat cut-model'],
    usage: times(RESPONSES, 0),
  },
  {
    scenario: 'stream-abort',
    tree: ['invoke_agent streamText', '  chat abort-model'],
    usage: times(RESPONSES, 0),
  },
  {
    scenario: 'error-429',
    tree: ['invoke_agent generateText', '  chat rate-limited-model'],
    usage: times(RESPONSES, 0),
  },
  {
    scenario: 'error-retry',
    tree: ['invoke_agent generateText', '  chat failing-model', '  chat failing-model'],
    usage: times(RESPONSES, 0),
  },
  {
    scenario: 'object',
    tree: ['invoke_workflow generateObject', '  chat gpt-4o-mini-2024-07-18'],
    usage: RESPONSES,
  },
  {
    scenario: 'stream-object',
    tree: ['invoke_workflow streamObject', '  chat gpt-4.1-mini'],
    usage: CHAT,
  },
  {
    scenario: 'embed',
    tree: ['invoke_workflow embed', '  embeddings text-embedding-3-small'],
    usage: EMBEDDING,
  },
  {
    scenario: 'embed-many',
    tree: ['invoke_workflow embedMany', '  embeddings text-embedding-3-large'],
    usage: EMBEDDING,
  },
  {
    scenario: 'anthropic',
    tree: ['invoke_agent generateText', '  chat claude-sonnet-4-5'],
    usage: CLAUDE,
  },
  {
    scenario: 'openai-sdk-provider',
    tree: ['invoke_agent generateText', '  acme.chat gpt-4o-mini', '    chat gpt-4o-mini'],
    usage: CHAT,
  },
];
const EXPECTED_SPANS = TRACES.reduce((n, t) => n + t.tree.length, 0);
const SECRET_WORDS = ['jane.doe', 'Say hello', 'You are terse', 'Hello from', 'sunny', 'Weather'];

function times(usage: { input: number; output: number; cacheRead: number }, n: number) {
  return { input: usage.input * n, output: usage.output * n, cacheRead: usage.cacheRead * n };
}

const children = (spans: ReceivedSpan[], parent: ReceivedSpan): ReceivedSpan[] =>
  spans.filter((s) => s.parentSpanId === parent.spanId);

/** The tree under `root` as indented names, children sorted by name. */
function tree(spans: ReceivedSpan[], root: ReceivedSpan, depth = 0): string[] {
  return [
    `${'  '.repeat(depth)}${root.name}`,
    ...children(spans, root)
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((child) => tree(spans, child, depth + 1)),
  ];
}

const AI_7: ScenarioAppSpec = { name: 'ai-sdk-7', entry: 'ai-sdk-entry' };
const AI_6: ScenarioAppSpec = { name: 'ai-6', entry: 'ai-sdk-entry', linkedModules: true };

const VARIANTS: readonly { kind: ModuleKind; label: string; app: ScenarioAppSpec; major: 6 | 7 }[] =
  [
    { kind: 'cjs', label: 'ai 7, --require', app: AI_7, major: 7 },
    { kind: 'esm', label: 'ai 7, --import', app: AI_7, major: 7 },
    { kind: 'cjs', label: 'ai 6, --require', app: AI_6, major: 6 },
    { kind: 'esm', label: 'ai 6, --import', app: AI_6, major: 6 },
  ];

for (const variant of VARIANTS) {
  describe(`${variant.label} sprintlens/register`, () => {
    const service = `${variant.app.name}-${variant.kind}`;
    let baseline: ScenarioSummary;
    let summary: ScenarioSummary;
    let stderr: string;
    let spans: ReceivedSpan[];
    let all: ReceivedSpan[];
    /** The one root span of a scenario (its trace's span with no parent and that name). */
    const rootOf = (scenario: string): ReceivedSpan => {
      const trace = TRACES.find((t) => t.scenario === scenario)!;
      const roots = spans.filter(
        (s) => s.parentSpanId === undefined && s.name === trace.tree[0] && matches(s, trace.tree),
      );
      expect(roots, scenario).toHaveLength(1);
      return roots[0]!;
    };
    const matches = (root: ReceivedSpan, expected: readonly string[]): boolean =>
      JSON.stringify(tree(spans, root)) === JSON.stringify(expected);
    const inTrace = (root: ReceivedSpan, name: string): ReceivedSpan[] =>
      spans.filter((s) => s.traceId === root.traceId && s.name === name);

    beforeAll(async () => {
      const plain = await runScenarioApp(variant.app, {
        kind: variant.kind,
        instrumented: false,
        llmUrl: backends.llmUrl,
      });
      baseline = plain.summary;
      const run = await runScenarioApp(variant.app, {
        kind: variant.kind,
        instrumented: true,
        llmUrl: backends.llmUrl,
        env: backends.exportEnv(service),
      });
      summary = run.summary;
      stderr = run.result.stderr;
      spans = await backends.spansOf(service, EXPECTED_SPANS);
      all = backends.receiver.spansOf(service);
    });

    it('the app sees exactly what it sees uninstrumented (text, usage, parts, objects, errors)', () => {
      for (const [name, value] of Object.entries(baseline)) {
        expect(value, name).not.toHaveProperty('unexpected');
      }
      expect(summary).toEqual(baseline);
      expect(summary.stream).toMatchObject({
        chunks: ['Hello', ' from', ' the', ' test', ' server.'],
      });
      expect(summary.tools).toMatchObject({ steps: 2, toolCalls: ['get_weather'] });
      expect(summary['stream-break']).toEqual({ chunks: 2 });
      expect(summary.object).toMatchObject({ object: { city: 'Paris', temperature: 20 } });
      expect(stderr).not.toContain('SL_GENAI');
    });

    it('every call is one trace with its exact tree, and nothing more', () => {
      for (const trace of TRACES) rootOf(trace.scenario);
      expect(spans).toHaveLength(EXPECTED_SPANS);
      expect(spans.some((s) => s.attributes['gen_ai.request.model'] === 'untraced-model')).toBe(
        false,
      );
      expect(summary['telemetry-off']).toEqual({ text: 'Hello from the test server.' });
    });

    it('generateText (Responses API): invoke_agent span, CLIENT chat span with usage and cost', () => {
      const root = rootOf('text');
      expect(root.kind).toBe('SPAN_KIND_INTERNAL');
      expect(root.scope).toBe('sprintlens-instrumentation-ai-sdk');
      expect(root.attributes).toMatchObject({
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'generateText',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.max_tokens': 50,
        'gen_ai.response.finish_reasons': ['stop'],
        'sprintlens.ai_sdk.function': 'generateText',
        'sprintlens.ai_sdk.model_calls': 1,
        'sprintlens.usage.total_input_tokens': RESPONSES.input,
        'sprintlens.usage.total_output_tokens': RESPONSES.output,
      });
      // The totals are for reading: the operation span carries no gen_ai.usage.*.
      expect(root.attributes).not.toHaveProperty('gen_ai.usage.input_tokens');
      expect(root.attributes).not.toHaveProperty('sprintlens.cost.usd');
      const chat = children(spans, root)[0]!;
      expect(chat.kind).toBe('SPAN_KIND_CLIENT');
      expect(chat.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.max_tokens': 50,
        'gen_ai.response.id': 'resp-ok',
        'gen_ai.response.model': 'gpt-4o-mini',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': RESPONSES.input,
        'gen_ai.usage.output_tokens': RESPONSES.output,
      });
      const cost = (RESPONSES.input * 0.15 + RESPONSES.output * 0.6) / 1e6;
      expect(chat.attributes['sprintlens.cost.usd']).toBeCloseTo(cost, 12);
      expect(root.attributes['sprintlens.cost.total_usd']).toBeCloseTo(cost, 12);
    });

    it('Chat Completions: cached tokens priced apart; request parameters on the chat span', () => {
      const chat = children(spans, rootOf('text-chat'))[0]!;
      expect(chat.attributes).toMatchObject({
        'gen_ai.request.top_p': 0.9,
        'gen_ai.request.seed': 7,
        'gen_ai.response.id': 'chatcmpl-ok',
        'gen_ai.usage.input_tokens': CHAT.input,
        'gen_ai.usage.cache_read.input_tokens': CHAT.cacheRead,
        'gen_ai.usage.output_tokens': CHAT.output,
      });
      // gpt-4o: 1000 uncached × 2.5 + 200 cached × 1.25 + 300 × 10, per million.
      expect(chat.attributes['sprintlens.cost.usd']).toBeCloseTo(0.00575, 12);
      // ai 7 reports the request's origin; ai 6 does not.
      if (variant.major === 7) expect(chat.attributes['server.address']).toBe('127.0.0.1');
    });

    it('tool loop: one chat span per step, the tool span between them, the HTTP calls under the chat spans', () => {
      const root = rootOf('tools');
      expect(root.attributes['gen_ai.agent.name']).toBe('weather_agent');
      const chats = inTrace(root, 'chat gpt-4.1');
      expect(chats.map((s) => s.attributes['gen_ai.response.finish_reasons']).sort()).toEqual([
        ['stop'],
        ['tool-calls'],
      ]);
      const tool = inTrace(root, 'execute_tool get_weather')[0]!;
      expect(tool.attributes).toMatchObject({
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.tool.call.id': 'call_1',
        'gen_ai.tool.type': 'function',
      });
      expect(tool.status.code).not.toBe('STATUS_CODE_ERROR');
      // The provider's requests (fetch, traced by the undici instrumentation) nest under them.
      const requests = all.filter(
        (s) => s.traceId === root.traceId && s.scope === '@opentelemetry/instrumentation-undici',
      );
      expect(requests).toHaveLength(2);
      for (const request of requests) {
        expect(chats.map((s) => s.spanId)).toContain(request.parentSpanId);
      }
    });

    it('streams: usage, time to first token and outcome when read to the end', () => {
      const root = rootOf('stream');
      expect(root.attributes).toMatchObject({
        'sprintlens.stream.outcome': 'completed',
        'sprintlens.usage.total_input_tokens': RESPONSES.input,
      });
      expect(root.attributes['sprintlens.stream.chunks']).toBeGreaterThanOrEqual(5);
      const chat = children(spans, root)[0]!;
      expect(chat.attributes).toMatchObject({
        'sprintlens.stream.outcome': 'completed',
        'gen_ai.usage.input_tokens': RESPONSES.input,
        'gen_ai.usage.output_tokens': RESPONSES.output,
        'gen_ai.response.finish_reasons': ['stop'],
      });
      expect(chat.attributes['sprintlens.stream.time_to_first_token']).toBeGreaterThan(0);
      const tools = rootOf('stream-tools');
      expect(tools.attributes['gen_ai.provider.name']).toBe('anthropic');
      for (const s of inTrace(tools, 'chat claude-haiku-4-5')) {
        expect(s.attributes).toMatchObject({
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.usage.input_tokens': CLAUDE.input,
          'gen_ai.usage.cache_read.input_tokens': CLAUDE.cacheRead,
          'gen_ai.usage.cache_write.input_tokens': CLAUDE_USAGE.cache_creation_input_tokens,
        });
      }
    });

    it('streams end on every path: broken off (cancelled), cut by the server (error), aborted', () => {
      for (const scenario of ['stream-break', 'agent-stream-break']) {
        const broken = rootOf(scenario);
        expect(broken.attributes['sprintlens.stream.outcome'], scenario).toBe('cancelled');
        expect(children(spans, broken)[0]!.attributes['sprintlens.stream.outcome'], scenario).toBe(
          'cancelled',
        );
      }
      expect(summary['agent-stream-break']).toEqual({ chunks: 2 });
      const cut = rootOf('stream-cut');
      expect(summary['stream-cut']).toMatchObject({ error: 'APICallError' });
      for (const s of [cut, children(spans, cut)[0]!]) {
        expect(s.status.code, s.name).toBe('STATUS_CODE_ERROR');
        expect(s.attributes['error.type'], s.name).toBe('APICallError');
        expect(s.attributes['sprintlens.stream.outcome'], s.name).toBe('error');
      }
      const aborted = rootOf('stream-abort');
      expect(summary['stream-abort']).toEqual({ n: 2, ended: 'normally' });
      for (const s of [aborted, children(spans, aborted)[0]!]) {
        expect(s.attributes['sprintlens.stream.outcome'], s.name).toBe('aborted');
        expect(s.status.code, s.name).not.toBe('STATUS_CODE_ERROR');
      }
    });

    it('HTTP errors: the app keeps APICallError (and RetryError); one failed chat span per request', () => {
      expect(summary['error-429']).toEqual({ error: 'APICallError', statusCode: 429 });
      const limited = children(spans, rootOf('error-429'))[0]!;
      expect(limited.status).toMatchObject({ code: 'STATUS_CODE_ERROR', message: 'APICallError' });
      expect(limited.attributes['error.type']).toBe('APICallError');
      expect(rootOf('error-429').attributes['error.type']).toBe('APICallError');
      expect(summary['error-retry']).toEqual({ error: 'RetryError', lastError: 'APICallError' });
      const retried = rootOf('error-retry');
      expect(retried.attributes).toMatchObject({
        'error.type': 'RetryError',
        'sprintlens.ai_sdk.model_calls': 2,
      });
      for (const s of children(spans, retried)) {
        expect(s.attributes['error.type']).toBe('APICallError');
        expect(s.status.code).toBe('STATUS_CODE_ERROR');
      }
      if (variant.major === 7) {
        // ai 7 hands over the error itself; ai 6 records only its name.
        expect(limited.attributes['http.response.status_code']).toBe(429);
      }
    });

    it('generateObject and streamObject: invoke_workflow with a chat span', () => {
      const object = rootOf('object');
      expect(object.attributes).toMatchObject({
        'gen_ai.operation.name': 'invoke_workflow',
        'gen_ai.workflow.name': 'generateObject',
        'sprintlens.ai_sdk.function': 'generateObject',
      });
      expect(children(spans, object)[0]!.attributes).toMatchObject({
        'gen_ai.usage.input_tokens': RESPONSES.input,
        'gen_ai.response.finish_reasons': ['stop'],
      });
      const streamed = rootOf('stream-object');
      expect(streamed.attributes['sprintlens.stream.outcome']).toBe('completed');
      expect(children(spans, streamed)[0]!.attributes).toMatchObject({
        'gen_ai.usage.output_tokens': CHAT.output,
        'sprintlens.stream.outcome': 'completed',
      });
    });

    it('embed and embedMany: embeddings spans with input tokens and cost', () => {
      const small = children(spans, rootOf('embed'))[0]!;
      expect(small.kind).toBe('SPAN_KIND_CLIENT');
      expect(small.attributes).toMatchObject({
        'gen_ai.operation.name': 'embeddings',
        'gen_ai.usage.input_tokens': 8,
      });
      expect(small.attributes['sprintlens.cost.usd']).toBeCloseTo((8 * 0.02) / 1e6, 15);
      const large = children(spans, rootOf('embed-many'))[0]!;
      expect(large.attributes['sprintlens.cost.usd']).toBeCloseTo((8 * 0.13) / 1e6, 15);
      expect(rootOf('embed-many').attributes['gen_ai.operation.name']).toBe('invoke_workflow');
    });

    it('generateObject, streamObject, embed, embedMany: each HTTP request under its model call', () => {
      for (const scenario of ['object', 'stream-object', 'embed', 'embed-many']) {
        const root = rootOf(scenario);
        const calls = children(spans, root);
        const requests = all.filter(
          (s) => s.traceId === root.traceId && s.scope === '@opentelemetry/instrumentation-undici',
        );
        expect(requests.length, scenario).toBeGreaterThan(0);
        expect(requests.length, scenario).toBe(calls.length);
        for (const request of requests) {
          expect(
            calls.map((s) => s.spanId),
            scenario,
          ).toContain(request.parentSpanId);
        }
      }
    });

    it('a custom provider calling the openai package: one LLM span, the SDK span carries the usage', () => {
      const root = rootOf('openai-sdk-provider');
      const grouping = inTrace(root, 'acme.chat gpt-4o-mini')[0]!;
      expect(grouping.attributes['sprintlens.usage.source']).toBe('provider');
      expect(grouping.attributes).not.toHaveProperty('gen_ai.operation.name');
      expect(grouping.attributes).not.toHaveProperty('gen_ai.usage.input_tokens');
      const llm = inTrace(root, 'chat gpt-4o-mini')[0]!;
      expect(llm.scope).toBe('sprintlens-instrumentation-openai');
      expect(llm.attributes['gen_ai.usage.input_tokens']).toBe(CHAT.input);
      // The totals come from the SDK; the cost was the provider span's to count.
      expect(root.attributes['sprintlens.usage.total_input_tokens']).toBe(CHAT.input);
      expect(root.attributes).not.toHaveProperty('sprintlens.cost.total_usd');
    });

    it('tokens summed over each trace equal what the server reported, and the root totals', () => {
      const sum = (trace: ReceivedSpan[], key: string) =>
        trace.reduce((n, s) => n + ((s.attributes[key] as number | undefined) ?? 0), 0);
      for (const expected of TRACES) {
        const root = rootOf(expected.scenario);
        const trace = spans.filter((s) => s.traceId === root.traceId);
        const { scenario, usage } = expected;
        expect(sum(trace, 'gen_ai.usage.input_tokens'), scenario).toBe(usage.input);
        expect(sum(trace, 'gen_ai.usage.output_tokens'), scenario).toBe(usage.output);
        expect(sum(trace, 'gen_ai.usage.cache_read.input_tokens'), scenario).toBe(usage.cacheRead);
        if (usage.input > 0) {
          expect(root.attributes['sprintlens.usage.total_input_tokens'], scenario).toBe(
            usage.input,
          );
        }
        const llmCalls = trace.filter((s) =>
          ['chat', 'embeddings'].includes(s.attributes['gen_ai.operation.name'] as string),
        );
        expect(llmCalls.length, scenario).toBe(
          expected.tree.filter((n) => /^\s+(chat|embeddings) /.test(n)).length,
        );
      }
    });

    it('no prompt, reply, tool argument or result on any span with capture off', () => {
      expectNoContentCaptured(spans, SECRET_WORDS);
      for (const s of spans) {
        expect(s.attributes).not.toHaveProperty('gen_ai.tool.call.arguments');
        expect(s.attributes).not.toHaveProperty('gen_ai.tool.call.result');
        for (const key of Object.keys(s.attributes)) expect(key).not.toMatch(/^ai\./);
      }
    });
  });
}

/** Capture on: messages, system instructions, tool arguments and results, redacted. */
for (const variant of [
  { app: AI_7, major: 7 },
  { app: AI_6, major: 6 },
] as const) {
  describe(`ai ${variant.major}, --require sprintlens/register, content capture on`, () => {
    const service = `${variant.app.name}-capture`;
    let spans: ReceivedSpan[];

    beforeAll(async () => {
      await runScenarioApp(variant.app, {
        kind: 'cjs',
        instrumented: true,
        llmUrl: backends.llmUrl,
        env: {
          ...backends.exportEnv(service),
          SPRINTLENS_CAPTURE_CONTENT: 'true',
          LLM_SCENARIOS: 'text,tools',
        },
      });
      spans = await backends.spansOf(service, 6);
    });

    const json = (s: ReceivedSpan, key: string): unknown => {
      const value = s.attributes[key];
      expect(typeof value, `${s.name} ${key}`).toBe('string');
      return JSON.parse(value as string);
    };

    it('chat spans: input and output messages and system instructions, redacted', () => {
      const chat = span(spans, 'chat gpt-4o-mini');
      expect(json(chat, 'gen_ai.system_instructions')).toEqual([
        { type: 'text', content: 'You are terse.' },
      ]);
      expect(json(chat, 'gen_ai.input.messages')).toEqual([
        {
          role: 'user',
          parts: [{ type: 'text', content: 'Say hello. My email is [REDACTED:email]' }],
        },
      ]);
      expect(json(chat, 'gen_ai.output.messages')).toEqual([
        {
          role: 'assistant',
          parts: [{ type: 'text', content: 'Hello from the test server.' }],
          finish_reason: 'stop',
        },
      ]);
      for (const s of spans) expect(JSON.stringify(s.attributes)).not.toContain('jane.doe@');
    });

    it('tool loop: the tool call in the reply, the tool span with arguments and result', () => {
      const tool = span(spans, 'execute_tool get_weather');
      expect(json(tool, 'gen_ai.tool.call.arguments')).toEqual({ city: 'Paris' });
      expect(json(tool, 'gen_ai.tool.call.result')).toEqual({ city: 'Paris', forecast: 'sunny' });
      const first = spans.find(
        (s) =>
          s.name === 'chat gpt-4.1' &&
          (s.attributes['gen_ai.response.finish_reasons'] as string[])[0] === 'tool-calls',
      )!;
      const [reply] = json(first, 'gen_ai.output.messages') as {
        parts: { type: string; name?: string; arguments?: string }[];
      }[];
      expect(reply!.parts).toEqual([
        { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      ]);
    });
  });
}
