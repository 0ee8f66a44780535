/**
 * LangChain.js in real processes, under `--require` and `--import sprintlens/register` (and the
 * `module.register` loader), against the local OpenAI-format server: an LCEL chain
 * (prompt | ChatOpenAI | StrOutputParser) run with `invoke`, `stream`, `streamEvents` and
 * `batch`; LangGraph's prebuilt ReAct agent over ChatOpenAI, once with a tool that answers and
 * once with one that throws; a retriever over an in-memory vector store; a custom chat model no
 * provider instrumentation sees; and ChatAnthropic against the Anthropic-format server.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedSpan } from '../support/otlp-receiver';
import { USAGE } from '../support/llm-server/openai';
import { CLAUDE_USAGE } from '../support/llm-server/anthropic';
import { runScenarioApp } from './llm-app-harness';
import type { ModuleKind, ScenarioAppSpec, ScenarioSummary } from './llm-app-harness';
import { llmBackendsForFile } from './llm-backends';
import { expectNoContentCaptured, span } from './llm-spans';

const backends = llmBackendsForFile();

/** Chain runs (each one provider call): invoke 1, stream 1, streamEvents 1, batch 2. */
const CHAIN_RUNS = 5;
/**
 * Provider calls of the agents: tool call then answer; a direct answer; tool call then the tool
 * throws; two agents side by side, tool call then answer each.
 */
const AGENT_CALLS = 8;
const PROVIDER_CALLS = CHAIN_RUNS + AGENT_CALLS;
/** The router of the ReAct agent's model step: a lambda, named by LangGraph 1.0 after its edges. */
const ROUTE = 'RunnableLambda';
const ROUTE_1_0 = 'Branch<agent,tools,__end__>';
/** The model step of LangGraph's ReAct agent: prompt | model, then the route (names sorted). */
const modelStep = (route: string) => [
  '  invoke_workflow agent',
  `    invoke_workflow ${route}`,
  '    invoke_workflow RunnableSequence',
  '      ChatOpenAI',
  '        chat gpt-4o-mini',
  '      invoke_workflow prompt',
];
const agentTree = (route: string, name = 'LangGraph') => [
  `invoke_agent ${name}`,
  ...modelStep(route),
  ...modelStep(route),
  '  invoke_workflow tools',
  '    execute_tool get_weather',
];
const failingAgentTree = (route: string) => [
  'invoke_agent weather_agent',
  ...modelStep(route),
  '  invoke_workflow tools',
  '    execute_tool get_weather',
];
const directAgentTree = (route: string) => ['invoke_agent direct_answer', ...modelStep(route)];
/** What the custom chat model reports (the fixture's `CUSTOM_USAGE`). */
const CUSTOM_USAGE = { input: 40, output: 8, cacheRead: 10 };

/**
 * Runs with one root each, beside the chains and agents: the tree, and what else to check on
 * the root (`at` finds a span of the tree by name).
 */
const SINGLE_RUNS: readonly {
  title: string;
  scenario: string;
  tree: string[];
  check: (at: (name: string) => ReceivedSpan) => void;
}[] = [
  {
    title: 'a retriever over an in-memory vector store: retrieval span under its sequence',
    scenario: 'retriever',
    tree: ['invoke_workflow retrieve_docs', '  invoke_workflow RunnableLambda', '  retrieval'],
    check: (at) => {
      expect(at('retrieval').attributes).toMatchObject({
        'gen_ai.operation.name': 'retrieval',
        'gen_ai.retrieval.documents.count': 2,
      });
    },
  },
  {
    title: 'a custom BaseChatModel: the LangChain model span is the LLM span (framework usage)',
    scenario: 'custom-model',
    tree: ['chat claude-haiku-4-5'],
    check: (at) => {
      const model = at('chat claude-haiku-4-5');
      expect(model.scope).toBe('sprintlens-instrumentation-langchain');
      expect(model.attributes).toMatchObject({
        'sprintlens.usage.source': 'framework',
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'acme',
        'gen_ai.request.model': 'claude-haiku-4-5',
        'gen_ai.usage.input_tokens': CUSTOM_USAGE.input,
        'gen_ai.usage.output_tokens': CUSTOM_USAGE.output,
        'gen_ai.usage.cache_read.input_tokens': CUSTOM_USAGE.cacheRead,
      });
      expect(model.attributes['sprintlens.cost.usd']).toBeGreaterThan(0);
    },
  },
  {
    title: 'ChatAnthropic: the Anthropic SDK span under the model run carries the usage',
    scenario: 'anthropic',
    tree: ['ChatAnthropic', '  chat claude-haiku-4-5'],
    check: (at) => {
      expect(at('ChatAnthropic').attributes['sprintlens.usage.source']).toBe('provider');
      expect(at('ChatAnthropic').attributes).not.toHaveProperty('gen_ai.usage.input_tokens');
      expect(at('chat claude-haiku-4-5').scope).toBe('sprintlens-instrumentation-anthropic');
    },
  },
];
/** Per chain run: sequence, prompt, model, parser, chat; and the other trees. */
const EXPECTED_SPANS =
  CHAIN_RUNS * 5 +
  3 * agentTree(ROUTE).length +
  directAgentTree(ROUTE).length +
  failingAgentTree(ROUTE).length +
  SINGLE_RUNS.reduce((total, run) => total + run.tree.length, 0);
const SECRET_WORDS = ['terse', 'Jane', 'Joe', 'Say hello', 'Hello from', 'Weather?', 'Paris'];

const APP = { name: 'langchain', entry: 'langchain-entry' } as const;

const children = (spans: ReceivedSpan[], parent: ReceivedSpan): ReceivedSpan[] =>
  spans.filter((s) => s.parentSpanId === parent.spanId);

/** The tree under `root` as indented names, children sorted by name (start times are not kept). */
function tree(spans: ReceivedSpan[], root: ReceivedSpan, depth = 0): string[] {
  return [
    `${'  '.repeat(depth)}${root.name}`,
    ...children(spans, root)
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((child) => tree(spans, child, depth + 1)),
  ];
}

/** The oldest supported releases, pinned together in `test/versions/langchain-1.0`. */
const OLDEST = { name: 'langchain-1.0', entry: 'langchain-entry', linkedModules: true } as const;

const VARIANTS: readonly {
  kind: ModuleKind;
  label: string;
  env: Record<string, string>;
  app?: ScenarioAppSpec;
  route?: string;
}[] = [
  { kind: 'cjs', label: '--require', env: {} },
  { kind: 'esm', label: '--import', env: {} },
  {
    kind: 'esm',
    label: '--import, module.register loader',
    env: { SPRINTLENS_ESM_LOADER: 'async' },
  },
  {
    kind: 'cjs',
    label: '--require (@langchain/core 1.0.1, langgraph 1.0.0)',
    env: {},
    app: OLDEST,
    route: ROUTE_1_0,
  },
  {
    kind: 'esm',
    label: '--import (@langchain/core 1.0.1, langgraph 1.0.0)',
    env: {},
    app: OLDEST,
    route: ROUTE_1_0,
  },
];

for (const variant of VARIANTS) {
  describe(`langchain, ${variant.label} sprintlens/register`, () => {
    const app = variant.app ?? APP;
    const route = variant.route ?? ROUTE;
    const service = `${app.name}-${variant.kind}-${variant.env.SPRINTLENS_ESM_LOADER ?? 'sync'}`;
    let baseline: ScenarioSummary;
    let summary: ScenarioSummary;
    let stderr: string;
    let spans: ReceivedSpan[];

    beforeAll(async () => {
      const plain = await runScenarioApp(app, {
        kind: variant.kind,
        instrumented: false,
        llmUrl: backends.llmUrl,
      });
      baseline = plain.summary;
      const run = await runScenarioApp(app, {
        kind: variant.kind,
        instrumented: true,
        llmUrl: backends.llmUrl,
        env: { ...backends.exportEnv(service), ...variant.env },
      });
      summary = run.summary;
      stderr = run.result.stderr;
      spans = await backends.spansOf(service, EXPECTED_SPANS);
    });

    it('the app sees what it sees uninstrumented', () => {
      for (const [name, value] of Object.entries(baseline)) {
        expect(value, name).not.toHaveProperty('unexpected');
      }
      expect(summary).toEqual(baseline);
      expect(summary.invoke).toEqual({ value: 'Hello from the test server.' });
      // Both replies of the fake server carry the same id, so LangGraph's message reducer keeps
      // one AI message: three messages, the tool's answer last (uninstrumented alike).
      expect(summary.agent).toEqual({ messages: 3, last: 'sunny' });
      expect(stderr).not.toContain('SL_GENAI');
    });

    it('each chain run: workflow span with prompt, model and parser runs; chat span under the model run', () => {
      const roots = spans.filter(
        (s) => s.name === 'invoke_workflow RunnableSequence' && s.parentSpanId === undefined,
      );
      expect(summary['stream-events']).toEqual({ chatStream: true, chainEnd: true });
      expect(roots).toHaveLength(CHAIN_RUNS);
      for (const root of roots) {
        expect(root.kind).toBe('SPAN_KIND_INTERNAL');
        expect(root.scope).toBe('sprintlens-instrumentation-langchain');
        expect(root.parentSpanId).toBeUndefined();
        expect(root.attributes['gen_ai.operation.name']).toBe('invoke_workflow');
        const names = children(spans, root)
          .map((s) => s.name)
          .sort();
        expect(names).toEqual([
          'ChatOpenAI',
          'invoke_workflow ChatPromptTemplate',
          'invoke_workflow StrOutputParser',
        ]);
        const model = children(spans, root).find((s) => s.name === 'ChatOpenAI')!;
        expect(model.kind).toBe('SPAN_KIND_INTERNAL');
        expect(model.attributes['sprintlens.usage.source']).toBe('provider');
        expect(model.attributes).not.toHaveProperty('gen_ai.operation.name');
        expect(model.attributes).not.toHaveProperty('gen_ai.usage.input_tokens');
        expect(model.attributes).not.toHaveProperty('sprintlens.cost.usd');
        const chat = children(spans, model);
        expect(chat.map((s) => s.name)).toEqual(['chat gpt-4o-mini']);
        expect(chat[0]!.kind).toBe('SPAN_KIND_CLIENT');
        expect(chat[0]!.scope).toBe('sprintlens-instrumentation-openai');
        expect(chat[0]!.traceId).toBe(root.traceId);
      }
    });

    it('tokens summed over the traces equal what the servers and the custom model reported, counted once', () => {
      const sum = (key: string) =>
        spans.reduce((total, s) => total + ((s.attributes[key] as number | undefined) ?? 0), 0);
      // Anthropic reports cache tokens apart from input_tokens; the span's input count has them.
      const claudeInput =
        CLAUDE_USAGE.input_tokens +
        CLAUDE_USAGE.cache_read_input_tokens +
        CLAUDE_USAGE.cache_creation_input_tokens;
      expect(sum('gen_ai.usage.input_tokens')).toBe(
        PROVIDER_CALLS * USAGE.prompt_tokens + claudeInput + CUSTOM_USAGE.input,
      );
      expect(sum('gen_ai.usage.output_tokens')).toBe(
        PROVIDER_CALLS * USAGE.completion_tokens + CLAUDE_USAGE.output_tokens + CUSTOM_USAGE.output,
      );
      expect(sum('gen_ai.usage.cache_read.input_tokens')).toBe(
        PROVIDER_CALLS * USAGE.cached_tokens +
          CLAUDE_USAGE.cache_read_input_tokens +
          CUSTOM_USAGE.cacheRead,
      );
      const priced = spans.filter((s) => s.attributes['sprintlens.cost.usd'] !== undefined);
      expect(priced.map((s) => s.name).sort()).toEqual([
        ...Array(2).fill('chat claude-haiku-4-5'),
        ...Array(PROVIDER_CALLS).fill('chat gpt-4o-mini'),
      ]);
      const llmCalls = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
      expect(llmCalls).toHaveLength(PROVIDER_CALLS + 2);
    });

    for (const run of SINGLE_RUNS) {
      it(run.title, () => {
        expect(summary[run.scenario]).not.toHaveProperty('unexpected');
        const roots = spans.filter((s) => s.name === run.tree[0] && s.parentSpanId === undefined);
        expect(roots).toHaveLength(1);
        const root = roots[0]!;
        expect(tree(spans, root)).toEqual(run.tree);
        const inTrace = spans.filter((s) => s.traceId === root.traceId);
        run.check((name) => inTrace.find((s) => s.name === name)!);
      });
    }

    it('LangGraph ReAct agent: the exact tree, provider spans under the model runs', () => {
      const root = span(spans, 'invoke_agent LangGraph');
      expect(root.parentSpanId).toBeUndefined();
      expect(tree(spans, root)).toEqual(agentTree(route));
      expect(root.kind).toBe('SPAN_KIND_INTERNAL');
      expect(root.attributes).toMatchObject({
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'LangGraph',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
      });
      const steps = spans.filter(
        (s) =>
          s.traceId === root.traceId && s.attributes['sprintlens.langgraph.node'] !== undefined,
      );
      expect(steps.map((s) => s.attributes['sprintlens.langgraph.step']).sort()).toEqual([1, 2, 3]);
      const toolSpan = spans.find(
        (s) => s.traceId === root.traceId && s.name === 'execute_tool get_weather',
      )!;
      expect(toolSpan.attributes).toMatchObject({
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.tool.call.id': 'call_1',
      });
      expect(toolSpan.status.code).not.toBe('STATUS_CODE_ERROR');
    });

    it('two agents interleaved with Promise.all: two traces, each with its exact tree', () => {
      // Each saw what the agent run alone sees.
      const alone = summary.agent!.messages;
      expect(summary['agents-parallel']).toEqual({ messages: [alone, alone] });
      const roots = ['agent_a', 'agent_b'].map((name) => span(spans, `invoke_agent ${name}`));
      expect(roots[0]!.traceId).not.toBe(roots[1]!.traceId);
      for (const [i, name] of ['agent_a', 'agent_b'].entries()) {
        const root = roots[i]!;
        expect(root.parentSpanId).toBeUndefined();
        expect(tree(spans, root)).toEqual(agentTree(route, name));
        const inTrace = spans.filter((s) => s.traceId === root.traceId);
        expect(inTrace).toHaveLength(agentTree(route).length);
      }
    });

    it('an agent whose model answers without calling a tool is an agent (it was given tools)', () => {
      expect(summary['agent-no-tool']).toEqual({ last: 'Hello from the test server.' });
      const root = span(spans, 'invoke_agent direct_answer');
      expect(tree(spans, root)).toEqual(directAgentTree(route));
      expect(root.attributes['gen_ai.agent.name']).toBe('direct_answer');
    });

    it('a tool that throws: its span, step and agent ERROR; the app catches that very error', () => {
      expect(summary['agent-tool-error']).toEqual({ caught: true, same: true, type: 'RangeError' });
      const root = span(spans, 'invoke_agent weather_agent');
      expect(tree(spans, root)).toEqual(failingAgentTree(route));
      const inTrace = spans.filter((s) => s.traceId === root.traceId);
      for (const name of [
        'invoke_agent weather_agent',
        'invoke_workflow tools',
        'execute_tool get_weather',
      ]) {
        const failed = inTrace.find((s) => s.name === name)!;
        expect(failed.status.code, name).toBe('STATUS_CODE_ERROR');
        expect(failed.attributes['error.type'], name).toBe('RangeError');
      }
    });

    it('no prompt or reply text on any span with capture off', () => {
      expectNoContentCaptured(spans, SECRET_WORDS);
    });
  });
}

/** Capture on: every kind of run carries its content, redacted, and each LLM call's once. */
describe('langchain, --require sprintlens/register, content capture on', () => {
  const service = 'langchain-capture';
  const CAPTURE_SCENARIOS = ['invoke', 'agent', 'retriever', 'capture-redaction'];
  /** invoke: 5 spans; agent: its tree; retriever: 3; capture-redaction: tool + 3. */
  const CAPTURE_SPANS = 5 + agentTree(ROUTE).length + 3 + 4;
  let spans: ReceivedSpan[];
  let summary: ScenarioSummary;

  beforeAll(async () => {
    const run = await runScenarioApp(APP, {
      kind: 'cjs',
      instrumented: true,
      llmUrl: backends.llmUrl,
      env: {
        ...backends.exportEnv(service),
        SPRINTLENS_CAPTURE_CONTENT: 'true',
        LLM_SCENARIOS: CAPTURE_SCENARIOS.join(','),
      },
    });
    summary = run.summary;
    spans = await backends.spansOf(service, CAPTURE_SPANS);
  });

  const attribute = (s: ReceivedSpan, key: string): string => {
    const value = s.attributes[key];
    expect(typeof value, `${s.name} ${key}`).toBe('string');
    return value as string;
  };

  it('chain runs: inputs and outputs; the provider-rule model run leaves the messages to the SDK span', () => {
    const root = spans.find(
      (s) => s.name === 'invoke_workflow RunnableSequence' && s.parentSpanId === undefined,
    )!;
    expect(JSON.parse(attribute(root, 'sprintlens.langchain.input'))).toEqual({ name: 'Jane' });
    // LangChain hands callbacks a non-object output wrapped as `{ output }`.
    expect(JSON.parse(attribute(root, 'sprintlens.langchain.output'))).toEqual({
      output: 'Hello from the test server.',
    });
    const model = children(spans, root).find((s) => s.name === 'ChatOpenAI')!;
    expect(model.attributes).not.toHaveProperty('gen_ai.input.messages');
    expect(model.attributes).not.toHaveProperty('gen_ai.output.messages');
    const chat = children(spans, model)[0]!;
    expect(attribute(chat, 'gen_ai.input.messages')).toContain('Say hello to Jane.');
  });

  it('tools: arguments and result; agent state in and out', () => {
    const agent = span(spans, 'invoke_agent LangGraph');
    expect(attribute(agent, 'sprintlens.langchain.input')).toContain('Weather?');
    const tool = spans.find(
      (s) => s.traceId === agent.traceId && s.name === 'execute_tool get_weather',
    )!;
    expect(JSON.parse(attribute(tool, 'gen_ai.tool.call.arguments'))).toEqual({ city: 'Paris' });
    expect(attribute(tool, 'gen_ai.tool.call.result')).toBe('sunny');
  });

  it('retrieval: the query and the documents', () => {
    const retrieval = span(spans, 'retrieval');
    expect(attribute(retrieval, 'gen_ai.retrieval.query.text')).toBe('sunny Paris');
    const documents = JSON.parse(attribute(retrieval, 'gen_ai.retrieval.documents')) as {
      content: string;
    }[];
    expect(documents.map((d) => d.content)).toEqual(['Paris is sunny.', 'Oslo is cold.']);
  });

  it('secrets are redacted in chain inputs, tool arguments and the framework model messages', () => {
    expect(summary['capture-redaction']).toEqual({
      toolReply: 'sent to jane.doe@example.com',
      value: 'Hello from Acme.',
    });
    const tool = span(spans, 'execute_tool send_mail');
    expect(attribute(tool, 'gen_ai.tool.call.arguments')).toContain('[REDACTED:email]');
    expect(attribute(tool, 'gen_ai.tool.call.result')).toBe('sent to [REDACTED:email]');
    const model = spans.find(
      (s) =>
        s.name === 'chat claude-haiku-4-5' &&
        s.attributes['sprintlens.usage.source'] === 'framework',
    )!;
    const input = JSON.parse(attribute(model, 'gen_ai.input.messages')) as unknown;
    expect(input).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Mail [REDACTED:email] now.' }] },
    ]);
    expect(JSON.parse(attribute(model, 'gen_ai.system_instructions'))).toEqual([
      { type: 'text', content: 'You are terse.' },
    ]);
    expect(JSON.parse(attribute(model, 'gen_ai.output.messages'))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Hello from Acme.' }] },
    ]);
    for (const s of spans) expect(JSON.stringify(s.attributes)).not.toContain('jane.doe@');
  });
});
