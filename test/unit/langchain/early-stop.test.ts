/**
 * Streams the app stops reading early (`break` out of `for await`): LangChain itself ends none
 * of their runs, so the instrumentation must, and nothing may stay in flight. Also: unpatching
 * gives LangChain its own functions back. Real @langchain/core and @langchain/langgraph.
 */
import { describe, expect, it } from 'vitest';
import { lc, patchAll, requireHere, unpatchAll, useLangChainInstrumentation } from './harness';
import type { Any } from './harness';

const { manager, singletons, chatModels, runnables } = lc;
const { FakeListChatModel } = requireHere('@langchain/core/utils/testing') as Any;
const { StringOutputParser } = requireHere('@langchain/core/output_parsers') as Any;
const { StateGraph, Annotation, START, END } = requireHere('@langchain/langgraph') as Any;

const { exporter, instrumentation } = useLangChainInstrumentation();
const originals = {
  configure: manager.CallbackManager._configureSync,
  runWithConfig: singletons.AsyncLocalStorageProviderSingleton.runWithConfig,
  stream: runnables.Runnable.prototype.stream,
  generate: chatModels.BaseChatModel.prototype._generateUncached,
};

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
const chain = () =>
  new FakeListChatModel({ responses: ['a long streamed reply'] }).pipe(new StringOutputParser());

describe('LangChain streams stopped early', () => {
  it('a chain stream left after one chunk: every run ends, cancelled, none in flight', async () => {
    const chunks: string[] = [];
    for await (const chunk of await chain().stream('x')) {
      chunks.push(chunk as string);
      break;
    }
    await settle();
    expect(chunks).toHaveLength(1);
    expect(instrumentation.runSpans().inFlight).toBe(0);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name).sort()).toEqual([
      'chat',
      'invoke_workflow RunnableSequence',
      'invoke_workflow StrOutputParser',
    ]);
    for (const span of spans) {
      expect(span.attributes['sprintlens.stream.outcome'], span.name).toBe('cancelled');
      expect(span.status.code).not.toBe(2);
    }
  });

  it('a chain stream read to the end: no run is marked cancelled', async () => {
    let text = '';
    for await (const chunk of await chain().stream('x')) text += chunk as string;
    await settle();
    expect(text).toBe('a long streamed reply');
    expect(instrumentation.runSpans().inFlight).toBe(0);
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(3);
    for (const span of spans)
      expect(span.attributes).not.toHaveProperty('sprintlens.stream.outcome');
  });

  it('a LangGraph graph stream left after its first step: nothing stays in flight', async () => {
    const State = Annotation.Root({
      steps: Annotation({ reducer: (a: number, b: number) => a + b }),
    });
    const graph = new StateGraph(State)
      .addNode('first', async () => ({ steps: 1 }))
      .addNode('second', async () => ({ steps: 1 }))
      .addEdge(START, 'first')
      .addEdge('first', 'second')
      .addEdge('second', END)
      .compile({ name: 'two_steps' });
    for await (const update of await graph.stream({ steps: 0 }, { streamMode: 'updates' })) {
      expect(update).toHaveProperty('first');
      break;
    }
    await settle();
    expect(instrumentation.runSpans().inFlight).toBe(0);
    const root = exporter.getFinishedSpans().find((s) => s.name === 'invoke_workflow two_steps');
    expect(root).toBeDefined();
  });

  it('unpatching gives LangChain its own functions back, and runs then make no span', async () => {
    unpatchAll(instrumentation);
    try {
      expect(manager.CallbackManager._configureSync).toBe(originals.configure);
      expect(singletons.AsyncLocalStorageProviderSingleton.runWithConfig).toBe(
        originals.runWithConfig,
      );
      expect(runnables.Runnable.prototype.stream).toBe(originals.stream);
      expect(chatModels.BaseChatModel.prototype._generateUncached).toBe(originals.generate);
      expect(await chain().invoke('x')).toBe('a long streamed reply');
      expect(exporter.getFinishedSpans()).toHaveLength(0);
    } finally {
      patchAll(instrumentation);
    }
  });
});
