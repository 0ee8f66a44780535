/**
 * LangGraph's prebuilt ReAct agent (`createReactAgent`) on the real @langchain/core and
 * @langchain/langgraph (CommonJS copies, patched through the instrumentation's own patch
 * functions), driven by a fake tool-calling chat model: two tool rounds, the second tool throws.
 */
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { lc, requireHere, useLangChainInstrumentation } from './harness';
import type { Any } from './harness';

const { chatModels } = lc;
const { tool } = requireHere('@langchain/core/tools') as Any;
const { AIMessage } = requireHere('@langchain/core/messages') as Any;
const { createReactAgent, ToolNode } = requireHere('@langchain/langgraph/prebuilt') as Any;

const { exporter } = useLangChainInstrumentation();

/** Tool calls the fake model makes, one turn each; then it answers in text. */
const TURNS = [
  [{ id: 'call_1', name: 'lookup', args: { q: 'a' } }],
  [{ id: 'call_2', name: 'explode', args: {} }],
];

/** A tool-calling chat model no provider instrumentation sees; each call reports 5 + 2 tokens. */
class ToolCallingChat extends chatModels.BaseChatModel {
  private turn = 0;
  constructor() {
    super({});
  }
  _llmType(): string {
    return 'fake';
  }
  bindTools(): unknown {
    return this;
  }
  async _generate(): Promise<unknown> {
    const calls = TURNS[this.turn++] ?? [];
    trace.getTracer('probe').startSpan('probe-in-model').end();
    const message = new AIMessage({
      content: calls.length === 0 ? 'done' : '',
      tool_calls: calls,
      usage_metadata: { input_tokens: 5, output_tokens: 2, total_tokens: 7 },
    });
    return { generations: [{ text: '', message }] };
  }
}

const boom = new RangeError('kaput');
const tools = () => [
  tool(
    () => {
      trace.getTracer('probe').startSpan('probe-in-tool').end();
      return 'found';
    },
    { name: 'lookup', description: 'Looks up.' },
  ),
  tool(
    () => {
      throw boom;
    },
    { name: 'explode', description: 'Throws.' },
  ),
];

/** The span tree as indented names, children in start order. */
function tree(spans: readonly ReadableSpan[]): string[] {
  const lines: string[] = [];
  const visit = (parent: string | undefined, depth: number) => {
    const children = spans
      .filter((s) => s.parentSpanContext?.spanId === parent)
      .sort((a, b) => hrNanos(a.startTime) - hrNanos(b.startTime));
    for (const child of children) {
      lines.push(`${'  '.repeat(depth)}${child.name}`);
      visit(child.spanContext().spanId, depth + 1);
    }
  };
  visit(undefined, 0);
  return lines;
}
const hrNanos = ([s, ns]: [number, number]) => s * 1e9 + ns;

const byName = (spans: readonly ReadableSpan[], name: string) =>
  spans.filter((s) => s.name === name);

/** What one round of the model node looks like: prompt | model, then the route. */
const modelStep = (depth: number) =>
  [
    'invoke_workflow agent',
    '  invoke_workflow RunnableSequence',
    '    invoke_workflow prompt',
    '    chat',
    '      probe-in-model',
    '  invoke_workflow RunnableLambda',
  ].map((line) => `${'  '.repeat(depth)}${line}`);

describe('LangGraph ReAct agent', () => {
  it('two tool rounds, the second tool throws: the exact tree, the error reaches the app unchanged', async () => {
    const agent = createReactAgent({
      llm: new ToolCallingChat(),
      tools: new ToolNode(tools(), { handleToolErrors: false }),
    });
    let caught: unknown;
    try {
      await agent.invoke({ messages: [{ role: 'user', content: 'hi' }] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(boom);
    const spans = exporter.getFinishedSpans();
    expect(tree(spans)).toEqual([
      'invoke_agent LangGraph',
      ...modelStep(1),
      '  invoke_workflow tools',
      '    execute_tool lookup',
      '      probe-in-tool',
      ...modelStep(1),
      '  invoke_workflow tools',
      '    execute_tool explode',
    ]);

    const [root] = byName(spans, 'invoke_agent LangGraph');
    expect(root!.kind).toBe(SpanKind.INTERNAL);
    expect(root!.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'LangGraph',
      'error.type': 'RangeError',
    });
    expect(root!.status.code).toBe(SpanStatusCode.ERROR);

    // Nodes are steps of the graph, in order; the model node is not an agent of its own.
    const steps = spans
      .filter((s) => s.attributes['sprintlens.langgraph.node'] !== undefined)
      .sort((a, b) => hrNanos(a.startTime) - hrNanos(b.startTime));
    expect(
      steps.map((s) => [
        s.attributes['sprintlens.langgraph.node'],
        s.attributes['sprintlens.langgraph.step'],
      ]),
    ).toEqual([
      ['agent', 1],
      ['tools', 2],
      ['agent', 3],
      ['tools', 4],
    ]);
    for (const step of steps) {
      expect(step.attributes['gen_ai.operation.name']).toBe('invoke_workflow');
      expect(step.attributes).not.toHaveProperty('gen_ai.workflow.name');
      expect(step.attributes).not.toHaveProperty('gen_ai.agent.name');
    }

    const [ok, bad] = [
      byName(spans, 'execute_tool lookup')[0]!,
      byName(spans, 'execute_tool explode')[0]!,
    ];
    expect(ok.attributes).toMatchObject({
      'gen_ai.tool.name': 'lookup',
      'gen_ai.tool.call.id': 'call_1',
    });
    expect(ok.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(bad.attributes).toMatchObject({
      'gen_ai.tool.name': 'explode',
      'gen_ai.tool.call.id': 'call_2',
      'error.type': 'RangeError',
    });
    expect(bad.status.code).toBe(SpanStatusCode.ERROR);
    const failedStep = bad.parentSpanContext?.spanId;
    expect(spans.find((s) => s.spanContext().spanId === failedStep)!.status.code).toBe(
      SpanStatusCode.ERROR,
    );

    // The fake model is the LLM call (framework rule): two calls, 5 + 2 tokens each, once.
    const llm = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
    expect(llm).toHaveLength(2);
    const sum = (key: string) =>
      spans.reduce((n, s) => n + ((s.attributes[key] as number | undefined) ?? 0), 0);
    expect([sum('gen_ai.usage.input_tokens'), sum('gen_ai.usage.output_tokens')]).toEqual([10, 4]);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
  });

  it('a tool error the ToolNode handles: tool span ERROR, the agent goes on and ends OK', async () => {
    const agent = createReactAgent({ llm: new ToolCallingChat(), tools: tools(), name: 'helper' });
    const result = (await agent.invoke({ messages: [{ role: 'user', content: 'hi' }] })) as Any;
    expect(result.messages.at(-1).content).toBe('done');
    const spans = exporter.getFinishedSpans();
    const [root] = byName(spans, 'invoke_agent helper');
    expect(root!.parentSpanContext).toBeUndefined();
    expect(root!.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(root!.attributes['gen_ai.agent.name']).toBe('helper');
    expect(byName(spans, 'execute_tool explode')[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(byName(spans, 'chat')).toHaveLength(3);
    expect(byName(spans, 'invoke_workflow tools')).toHaveLength(2);
  });

  it('two agents interleaved with Promise.all: two traces, each with its own exact tree', async () => {
    const make = (name: string) =>
      createReactAgent({ llm: new ToolCallingChat(), tools: tools(), name });
    await Promise.all(
      ['first', 'second'].map((name) =>
        make(name).invoke({ messages: [{ role: 'user', content: name }] }),
      ),
    );
    const spans = exporter.getFinishedSpans();
    const expected = (name: string) => [
      `invoke_agent ${name}`,
      ...modelStep(1),
      '  invoke_workflow tools',
      '    execute_tool lookup',
      '      probe-in-tool',
      ...modelStep(1),
      '  invoke_workflow tools',
      '    execute_tool explode',
      ...modelStep(1),
    ];
    const roots = spans.filter((s) => s.parentSpanContext === undefined);
    expect(roots.map((r) => r.name).sort()).toEqual(['invoke_agent first', 'invoke_agent second']);
    expect(roots[0]!.spanContext().traceId).not.toBe(roots[1]!.spanContext().traceId);
    for (const root of roots) {
      const own = spans.filter((s) => s.spanContext().traceId === root.spanContext().traceId);
      expect(tree(own)).toEqual(expected(root.name.slice('invoke_agent '.length)));
    }
  });

  it('a graph whose steps call no model with tools stays a workflow', async () => {
    const { StateGraph, Annotation, START, END } = requireHere('@langchain/langgraph') as Any;
    const State = Annotation.Root({ n: Annotation() });
    const graph = new StateGraph(State)
      .addNode('double', (s: { n: number }) => ({ n: s.n * 2 }))
      .addEdge(START, 'double')
      .addEdge('double', END)
      .compile({ name: 'doubler' });
    expect(await graph.invoke({ n: 2 })).toEqual({ n: 4 });
    const spans = exporter.getFinishedSpans();
    const [root] = byName(spans, 'invoke_workflow doubler');
    expect(root!.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_workflow',
      'gen_ai.workflow.name': 'doubler',
    });
    expect(tree(spans)).toContain('  invoke_workflow double');
  });
});
