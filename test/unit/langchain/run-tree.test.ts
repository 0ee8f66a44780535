/**
 * The LangChain instrumentation on the real @langchain/core (its CommonJS copy, patched through
 * the instrumentation's own patch functions), with a fake chat model: no servers, no processes.
 */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { noteProviderCall } from '../../../instrumentations/genai/framework-run';
import { UsageTally, withUsageTally } from '../../../src/base/usage-tally';
import { lc, requireHere, useLangChainInstrumentation } from './harness';
import type { Any } from './harness';

const { manager, chatModels, llms } = lc;
const { RunnableLambda } = requireHere('@langchain/core/runnables') as Any;
const { tool } = requireHere('@langchain/core/tools') as Any;
const { AIMessage, AIMessageChunk } = requireHere('@langchain/core/messages') as Any;
const { ChatGenerationChunk } = requireHere('@langchain/core/outputs') as Any;
const { ChatPromptTemplate } = requireHere('@langchain/core/prompts') as Any;
const { StringOutputParser } = requireHere('@langchain/core/output_parsers') as Any;
const { BaseRetriever } = requireHere('@langchain/core/retrievers') as Any;

const { exporter } = useLangChainInstrumentation();

/** A chat model no provider instrumentation sees; `underneath` fakes an instrumented SDK call. */
class FakeChat extends chatModels.BaseChatModel {
  underneath = false;
  constructor() {
    super({});
  }
  _llmType(): string {
    return 'fake';
  }
  async _generate(): Promise<unknown> {
    if (this.underneath) noteProviderCall(context.active());
    const inner = trace.getTracer('probe').startSpan('probe-in-model');
    inner.end();
    return {
      generations: [
        {
          text: 'hi',
          message: new AIMessage({
            content: 'hi',
            usage_metadata: {
              input_tokens: 10,
              output_tokens: 3,
              total_tokens: 13,
              input_token_details: { cache_read: 4 },
            },
          }),
        },
      ],
    };
  }
}

class FakeRetriever extends BaseRetriever {
  lc_namespace = ['test'];
  async _getRelevantDocuments(): Promise<unknown[]> {
    return [
      { pageContent: 'a', metadata: {} },
      { pageContent: 'b', metadata: {} },
    ];
  }
}

const byName = (spans: ReadableSpan[], name: string) => {
  const found = spans.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no ${name} in ${spans.map((s) => s.name).join(', ')}`);
  return found;
};
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('LangChain run tree', () => {
  it('an LCEL chain: workflow span, model span and parser nest by run id', async () => {
    const chain = ChatPromptTemplate.fromMessages([['human', '{q}']])
      .pipe(new FakeChat())
      .pipe(new StringOutputParser());
    expect(await chain.invoke({ q: 'x' })).toBe('hi');
    const spans = exporter.getFinishedSpans();
    const root = byName(spans, 'invoke_workflow RunnableSequence');
    expect(root.kind).toBe(SpanKind.INTERNAL);
    expect(parentOf(root)).toBeUndefined();
    const model = spans.find((s) => s.attributes['sprintlens.langchain.run_name'] === 'FakeChat')!;
    expect(parentOf(model)).toBe(root.spanContext().spanId);
    expect(parentOf(byName(spans, 'invoke_workflow ChatPromptTemplate'))).toBe(
      root.spanContext().spanId,
    );
    expect(parentOf(byName(spans, 'invoke_workflow StrOutputParser'))).toBe(
      root.spanContext().spanId,
    );
    // The model's body ran with the model span active.
    expect(parentOf(byName(spans, 'probe-in-model'))).toBe(model.spanContext().spanId);
  });

  it('a model no provider instrumentation sees carries usage (framework rule)', async () => {
    await new FakeChat().invoke('x');
    const model = exporter.getFinishedSpans().find((s) => s.attributes['sprintlens.usage.source'])!;
    expect(model.attributes['sprintlens.usage.source']).toBe('framework');
    expect(model.attributes['gen_ai.operation.name']).toBe('chat');
    expect(model.attributes['gen_ai.usage.input_tokens']).toBe(10);
    expect(model.attributes['gen_ai.usage.output_tokens']).toBe(3);
    expect(model.attributes['gen_ai.usage.cache_read.input_tokens']).toBe(4);
  });

  it('a framework-rule model call counts once in an experiment tally; a provider-rule one not at all', async () => {
    const tally = new UsageTally();
    const provided = new FakeChat();
    provided.underneath = true;
    await context.with(withUsageTally(context.active(), tally), async () => {
      await new FakeChat().invoke('x');
      await provided.invoke('x'); // its SDK call (faked) adds to the tally itself, not this run
    });
    expect({ calls: tally.calls, input: tally.inputTokens, output: tally.outputTokens }).toEqual({
      calls: 1,
      input: 10,
      output: 3,
    });
  });

  it('a model with an instrumented SDK call underneath carries none (provider rule)', async () => {
    const chat = new FakeChat();
    chat.underneath = true;
    await chat.invoke('x');
    const model = exporter.getFinishedSpans().find((s) => s.attributes['sprintlens.usage.source'])!;
    expect(model.attributes['sprintlens.usage.source']).toBe('provider');
    expect(model.name).toBe('FakeChat');
    expect(model.attributes['gen_ai.operation.name']).toBeUndefined();
    expect(model.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
  });

  it('a tool: execute_tool span active in its body; a thrown error reaches the app unchanged', async () => {
    const boom = new RangeError('no');
    const ok = tool(
      () => {
        trace.getTracer('probe').startSpan('probe-in-tool').end();
        return 'done';
      },
      { name: 'lookup', description: 'd' },
    );
    const bad = tool(
      () => {
        throw boom;
      },
      { name: 'explode', description: 'd' },
    );
    await ok.invoke({ id: 'call_1', name: 'lookup', args: {}, type: 'tool_call' });
    await expect(bad.invoke({})).rejects.toBe(boom);
    const spans = exporter.getFinishedSpans();
    const okSpan = byName(spans, 'execute_tool lookup');
    expect(okSpan.attributes['gen_ai.tool.name']).toBe('lookup');
    expect(okSpan.attributes['gen_ai.tool.call.id']).toBe('call_1');
    expect(parentOf(byName(spans, 'probe-in-tool'))).toBe(okSpan.spanContext().spanId);
    const badSpan = byName(spans, 'execute_tool explode');
    expect(badSpan.status.code).toBe(SpanStatusCode.ERROR);
    expect(badSpan.attributes['error.type']).toBe('RangeError');
  });

  it('a retriever: retrieval span with the document count', async () => {
    await new FakeRetriever().invoke('q');
    const span = byName(exporter.getFinishedSpans(), 'retrieval');
    expect(span.attributes['gen_ai.retrieval.documents.count']).toBe(2);
  });

  it('Promise.all of two chains keeps the trees apart, bodies nest under their own run', async () => {
    const make = (label: string) =>
      RunnableLambda.from(async (x: string) => {
        await new Promise((r) => setTimeout(r, 5));
        trace.getTracer('probe').startSpan(`probe-${label}`).end();
        return x;
      });
    await Promise.all([
      make('a').invoke('1', { runName: 'a' }),
      make('b').invoke('2', { runName: 'b' }),
    ]);
    const spans = exporter.getFinishedSpans();
    const runs = spans.filter((s) => s.name.startsWith('invoke_workflow '));
    expect(runs).toHaveLength(2);
    const parents = ['a', 'b'].map((label) => parentOf(byName(spans, `probe-${label}`)));
    const ids = runs.map((r) => r.spanContext().spanId);
    expect(new Set(parents)).toEqual(new Set(ids));
    expect(runs[0]!.spanContext().traceId).not.toBe(runs[1]!.spanContext().traceId);
  });

  it('adds its handler once, also when the user passes handlers', async () => {
    const seen: string[] = [];
    const mine = { name: 'mine', handleChainStart: () => seen.push('start') };
    await RunnableLambda.from((x: string) => x).invoke('1', { callbacks: [mine] });
    expect(seen).toEqual(['start']);
    const built = manager.CallbackManager._configureSync([mine]);
    const again = manager.CallbackManager._configureSync(built);
    const ours = again.handlers.filter((h: Any) => h.name === 'sprintlens_otel_tracer');
    expect(ours).toHaveLength(1);
    expect(exporter.getFinishedSpans()).toHaveLength(1);
  });
});

describe('LangChain model runs without a run manager argument, and BaseLLM models', () => {
  it('_streamChatModelEvents (a handler prefers chat-model stream events): the model run is active', async () => {
    /** Streams, and fakes an instrumented SDK call underneath, in whatever context it runs. */
    class StreamingChat extends FakeChat {
      async *_streamResponseChunks(): AsyncGenerator<unknown> {
        noteProviderCall(context.active());
        trace.getTracer('probe').startSpan('probe-in-stream').end();
        yield new ChatGenerationChunk({ text: 'hi', message: new AIMessageChunk('hi') });
      }
    }
    const prefers = { name: 'prefers', lc_prefer_chat_model_stream_events: true };
    await new StreamingChat().invoke('x', { callbacks: [prefers] });
    const spans = exporter.getFinishedSpans();
    const model = spans.find(
      (s) => s.attributes['sprintlens.langchain.run_name'] === 'StreamingChat',
    )!;
    expect(parentOf(byName(spans, 'probe-in-stream'))).toBe(model.spanContext().spanId);
    // The call underneath was seen: no second count of its tokens.
    expect(model.attributes['sprintlens.usage.source']).toBe('provider');
  });

  it('a BaseLLM model: text_completion span, its _generate runs with the span active', async () => {
    class FakeLlm extends llms.BaseLLM {
      constructor() {
        super({});
      }
      _llmType(): string {
        return 'fake-llm';
      }
      async _generate(): Promise<unknown> {
        trace.getTracer('probe').startSpan('probe-in-llm').end();
        return {
          generations: [[{ text: 'ok' }]],
          llmOutput: { tokenUsage: { promptTokens: 7, completionTokens: 1 } },
        };
      }
    }
    expect(await new FakeLlm().invoke('x')).toBe('ok');
    const spans = exporter.getFinishedSpans();
    const model = byName(spans, 'text_completion');
    expect(parentOf(byName(spans, 'probe-in-llm'))).toBe(model.spanContext().spanId);
    expect(model.attributes).toMatchObject({
      'sprintlens.usage.source': 'framework',
      'gen_ai.operation.name': 'text_completion',
      'gen_ai.usage.input_tokens': 7,
      'gen_ai.usage.output_tokens': 1,
    });
  });
});
