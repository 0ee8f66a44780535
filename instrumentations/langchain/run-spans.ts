import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api';
import {
  ATTR_COST_USD,
  ATTR_ERROR_TYPE,
  ATTR_INPUT_MESSAGES,
  ATTR_OPERATION_NAME,
  ATTR_OUTPUT_MESSAGES,
  ATTR_PROVIDER_NAME,
  ATTR_REQUEST_MODEL,
  ATTR_STREAM_OUTCOME,
  ATTR_SYSTEM_INSTRUCTIONS,
  ATTR_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_USAGE_CACHE_WRITE_INPUT_TOKENS,
  ATTR_USAGE_INPUT_TOKENS,
  ATTR_USAGE_OUTPUT_TOKENS,
  reportInternal,
} from '../genai';
import type { PriceBook, TokenUsage } from '../genai';
import type { ContentCapture } from '../genai/content';
import type { GenAiMetrics } from '../genai/metrics';
import type { LlmUsage } from '../genai/usage-metrics';
import type { ToolCalls } from '../genai/tool-metrics';
import { setFrameworkModelRun } from '../genai/framework-run';
import { usageTallyOf } from '../../src/base/usage-tally';
import { claimPendingModelRun, claimStreamRoot } from './active-context';
import type { FrameworkModelRun } from '../genai/framework-run';
import {
  chainRole,
  chainShape,
  modelSpanName,
  RETRIEVAL_SHAPE,
  runName,
  toolShape,
} from './span-naming';
import type { ChainRole, RunShape } from './span-naming';
import type { LcLlmResult, LcSerialized } from './types';
import { ATTR_USAGE_REASONING_OUTPUT_TOKENS, ATTR_USAGE_SOURCE, usageOf } from './usage';
import {
  ATTR_LANGCHAIN_INPUT,
  ATTR_LANGCHAIN_OUTPUT,
  ATTR_RETRIEVAL_DOCUMENTS_CONTENT,
  ATTR_RETRIEVAL_QUERY,
  ATTR_TOOL_CALL_ARGUMENTS,
  ATTR_TOOL_CALL_RESULT,
  capturedValue,
  chatInput,
  completionInput,
  modelOutput,
  retrievedDocuments,
  toolArguments,
  toolResult,
} from './content';

/** The name our handler has in a callback manager (also how a second one is recognised). */
export const HANDLER_NAME = 'sprintlens_otel_tracer';

export const ATTR_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_TOOL_CALL_ID = 'gen_ai.tool.call.id';
export const ATTR_RETRIEVAL_DOCUMENTS = 'gen_ai.retrieval.documents.count';
export const ATTR_RUN_ID = 'sprintlens.langchain.run_id';
export const ATTR_LANGGRAPH_NODE = 'sprintlens.langgraph.node';
export const ATTR_LANGGRAPH_STEP = 'sprintlens.langgraph.step';
export const ATTR_AGENT_NAME = 'gen_ai.agent.name';
export const ATTR_WORKFLOW_NAME = 'gen_ai.workflow.name';

/** What the handler needs from its instrumentation, read on every run start. */
export interface RunSpansOptions {
  readonly tracer: () => Tracer;
  readonly prices: () => PriceBook;
  /** The `gen_ai.client.*` instruments, for model runs that are the LLM call (unset: off). */
  readonly genAiMetrics?: () => GenAiMetrics | undefined;
  /** The `sprintlens_llm_*` ledger, likewise. */
  readonly usage?: () => LlmUsage | undefined;
  /** The `sprintlens_tool_calls_total` totals. */
  readonly toolCalls?: () => ToolCalls | undefined;
  /** Set only when content capture is on: its absence is what keeps content out. */
  readonly content?: () => ContentCapture | undefined;
}

/**
 * Runs in flight beyond which the oldest is ended: a bound on memory for runs LangChain never
 * ends (a stream abandoned in a way we do not see).
 */
const MAX_RUNS_IN_FLIGHT = 10_000;

/** The tag LangGraph puts on its internal runs (channel writes, the start node). */
const HIDDEN_TAG = 'langsmith:hidden';

/** `gen_ai.provider.name` of a framework LLM call whose model reports no provider. */
const UNKNOWN_PROVIDER = '_OTHER';

/** What a chain run is, for its final name. */
interface ChainInfo {
  readonly role: ChainRole;
  readonly name: string;
}

/**
 * What a graph's own steps did (runs under it, not under a nested graph): whether it let a
 * model call tools, which makes it an agent, and the model's provider and name.
 */
class GraphActivity {
  models = 0;
  tools = 0;
  toolsBound = false;
  provider: string | undefined;
  model: string | undefined;

  get isAgent(): boolean {
    return this.toolsBound || (this.models > 0 && this.tools > 0);
  }
}

/** One run in flight: its span, the context it is active in, and for models the dedup state. */
class Run implements FrameworkModelRun {
  readonly context: Context;
  /** Model runs: an instrumented SDK call started underneath (its span counts the usage). */
  providerCalls = 0;
  /** Graph runs: what their steps did. */
  readonly activity: GraphActivity | undefined;
  /** Tool runs: the tool's name, for the tool-call counter. */
  toolName: string | undefined;
  /** Tool runs: whether the start gave the call id. */
  toolCallIdSet = false;
  /** For the duration metric of model runs that are the LLM call. */
  readonly startedAt = performance.now();
  /** Model runs, capture on: the input, set on the span only if it is the LLM call. */
  input: { readonly messages: string; readonly system?: string | undefined } | undefined;

  constructor(
    readonly span: Span,
    parent: Context,
    readonly model: ModelInfo | undefined,
    readonly chain: ChainInfo | undefined,
    /** The activity of the nearest graph this run belongs to (its own, for a graph). */
    readonly graph: GraphActivity | undefined,
    /** The visible parent run (undefined: a root). */
    readonly parentRunId: string | undefined,
  ) {
    const active = trace.setSpan(parent, span);
    this.context = model === undefined ? active : setFrameworkModelRun(active, this);
    this.activity = chain?.role === 'graph' ? new GraphActivity() : undefined;
  }

  providerCallStarted(): void {
    this.providerCalls++;
  }
}

/** What a model run is about, for its final name and cost. */
interface ModelInfo {
  readonly operation: string;
  readonly model: string | undefined;
  readonly provider: string | undefined;
  readonly runName: string;
}

/**
 * The LangChain callback handler that turns the run tree into spans. One per process (the
 * instrumentation adds it to every callback manager, in the CommonJS and the ES-module copy).
 *
 * `awaitHandlers` is true so that LangChain calls it in line, in the caller's async context and
 * before the run's body starts: a root run's parent is the context active at its call, and the
 * span exists when the body (made active by `active-context.ts`) runs. Every method is guarded:
 * nothing of ours reaches the app, and `raiseError` is false.
 */
export class RunSpans {
  readonly name = HANDLER_NAME;
  readonly awaitHandlers = true;
  readonly raiseError = false;
  readonly ignoreLLM = false;
  readonly ignoreChain = false;
  readonly ignoreAgent = false;
  readonly ignoreRetriever = false;
  readonly ignoreCustomEvent = true;
  readonly ignoreChatModel = false;
  /** LangChain recognises callback handlers by this marker (`isBaseCallbackHandler`). */
  readonly lc_serializable = false;

  private readonly runs = new Map<string, Run>();
  /**
   * Hidden runs in flight (tagged `langsmith:hidden`: LangGraph's channel writes and start node)
   * and the visible run their children belong to (undefined: none, they are roots).
   */
  private readonly hidden = new Map<string, string | undefined>();

  constructor(private readonly options: RunSpansOptions) {}

  /** The context of the run `runId` while it is in flight (its span active). */
  contextOf(runId: string | undefined): Context | undefined {
    return this.runOf(runId)?.context;
  }

  /** The run `runId`, or for a hidden run the visible run it belongs to. */
  private runOf(runId: string | undefined): Run | undefined {
    if (runId === undefined) return undefined;
    const run = this.runs.get(runId);
    if (run !== undefined || this.hidden.size === 0) return run;
    const visible = this.hidden.get(runId);
    return visible === undefined ? undefined : this.runs.get(visible);
  }

  /** The id of the visible run `runId` is or belongs to. */
  private visibleId(runId: string | undefined): string | undefined {
    if (runId === undefined || this.runs.has(runId)) return runId;
    return this.hidden.get(runId);
  }

  /**
   * A stream the app stopped reading early: LangChain ends none of its runs, so the root run and
   * every run under it still in flight end here, as cancelled (no error).
   */
  abandonStream(rootRunId: string): void {
    if (!this.runs.has(rootRunId)) return;
    const under = (run: Run | undefined): boolean => {
      for (let r = run; r !== undefined; r = this.runs.get(r.parentRunId ?? '')) {
        if (r.parentRunId === rootRunId) return true;
        if (r.parentRunId === undefined) return false;
      }
      return false;
    };
    const cancelled: string[] = [];
    for (const [id, run] of this.runs) if (id === rootRunId || under(run)) cancelled.push(id);
    // Deepest first, so parents end after their children.
    for (const id of cancelled.reverse()) this.cancel(id, 'cancelled');
  }

  /** Ends a run that will get no end from LangChain. */
  private cancel(runId: string, outcome: 'cancelled' | 'abandoned'): void {
    const run = this.runs.get(runId);
    if (run === undefined) return;
    run.span.setAttribute(ATTR_STREAM_OUTCOME, outcome);
    if (run.model !== undefined) this.settleModel(run, run.model, undefined, undefined);
    this.end(runId, undefined);
  }

  /** Too many runs in flight (runs LangChain never ended): the oldest is ended as abandoned. */
  private evictOldest(): void {
    const oldest = this.runs.keys().next();
    if (oldest.done === true) return;
    this.cancel(oldest.value, 'abandoned');
    reportInternal(
      'langchain runs in flight',
      new Error(`more than ${MAX_RUNS_IN_FLIGHT} LangChain runs in flight; the oldest was ended`),
    );
  }

  /** Tagged `langsmith:hidden`: LangGraph's plumbing, which LangSmith does not show either. */
  private hide(runId: string, parentRunId: string | undefined, tags: unknown): boolean {
    if (!Array.isArray(tags) || !tags.includes(HIDDEN_TAG)) return false;
    if (this.hidden.size >= MAX_RUNS_IN_FLIGHT) {
      const oldest = this.hidden.keys().next();
      if (oldest.done !== true) this.hidden.delete(oldest.value);
    }
    const visible =
      parentRunId === undefined || this.runs.has(parentRunId)
        ? parentRunId
        : this.hidden.get(parentRunId);
    this.hidden.set(runId, visible);
    return true;
  }

  /** Runs in flight (for tests and diagnostics). */
  get inFlight(): number {
    return this.runs.size;
  }

  /** Argument order as `CallbackManager.handleChainStart` passes it (not the d.ts order). */
  handleChainStart(
    chain: LcSerialized,
    inputs: unknown,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    _runType?: string,
    name?: string,
  ): void {
    this.guard('chain start', () => {
      if (this.hide(runId, parentRunId, tags)) return;
      const display = runName(chain, name);
      const role = chainRole(chain, display, metadata);
      const shape = chainShape(role, display);
      const attributes: Attributes = { [ATTR_OPERATION_NAME]: shape.operation };
      const node = metadata?.langgraph_node;
      if (typeof node === 'string' && node === display) {
        attributes[ATTR_LANGGRAPH_NODE] = node;
        const step = metadata?.langgraph_step;
        if (typeof step === 'number') attributes[ATTR_LANGGRAPH_STEP] = step;
      }
      const capture = this.options.content?.();
      if (capture !== undefined) attributes[ATTR_LANGCHAIN_INPUT] = capturedValue(inputs, capture);
      this.start(runId, parentRunId, shape, attributes, undefined, { role, name: display });
    });
  }

  handleChainEnd(outputs: unknown, runId: string): void {
    this.guard('chain end', () => {
      if (this.hidden.delete(runId)) return;
      this.capture(runId, ATTR_LANGCHAIN_OUTPUT, outputs, capturedValue);
      this.end(runId, undefined);
    });
  }

  handleChainError(error: unknown, runId: string): void {
    this.guard('chain error', () => {
      if (!this.hidden.delete(runId)) this.end(runId, error);
    });
  }

  handleToolStart(
    tool: LcSerialized,
    input: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    _metadata?: Record<string, unknown>,
    name?: string,
    toolCallId?: string,
  ): void {
    this.guard('tool start', () => {
      const display = runName(tool, name);
      const attributes: Attributes = {
        [ATTR_OPERATION_NAME]: 'execute_tool',
        [ATTR_TOOL_NAME]: display,
      };
      if (typeof toolCallId === 'string' && toolCallId !== '') {
        attributes[ATTR_TOOL_CALL_ID] = toolCallId;
      }
      const capture = this.options.content?.();
      if (capture !== undefined)
        attributes[ATTR_TOOL_CALL_ARGUMENTS] = toolArguments(input, capture);
      const run = this.start(runId, parentRunId, toolShape(display), attributes, undefined);
      if (run === undefined) return;
      run.toolName = display;
      run.toolCallIdSet = attributes[ATTR_TOOL_CALL_ID] !== undefined;
      if (run.graph !== undefined) run.graph.tools++;
    });
  }

  handleToolEnd(output: unknown, runId: string): void {
    this.guard('tool end', () => {
      this.noteToolCallId(runId, output);
      this.capture(runId, ATTR_TOOL_CALL_RESULT, output, toolResult);
      this.end(runId, undefined);
    });
  }

  handleToolError(error: unknown, runId: string): void {
    this.guard('tool error', () => this.end(runId, error));
  }

  handleRetrieverStart(
    _retriever: LcSerialized,
    query: string,
    runId: string,
    parentRunId?: string,
  ): void {
    this.guard('retriever start', () => {
      const attributes: Attributes = { [ATTR_OPERATION_NAME]: 'retrieval' };
      const capture = this.options.content?.();
      if (capture !== undefined && typeof query === 'string') {
        attributes[ATTR_RETRIEVAL_QUERY] = capture.text(query);
      }
      this.start(runId, parentRunId, RETRIEVAL_SHAPE, attributes, undefined);
    });
  }

  handleRetrieverEnd(documents: unknown, runId: string): void {
    this.guard('retriever end', () => {
      const run = this.runs.get(runId);
      if (run !== undefined && Array.isArray(documents)) {
        run.span.setAttribute(ATTR_RETRIEVAL_DOCUMENTS, documents.length);
        const capture = this.options.content?.();
        if (capture !== undefined) {
          run.span.setAttribute(
            ATTR_RETRIEVAL_DOCUMENTS_CONTENT,
            retrievedDocuments(documents, capture),
          );
        }
      }
      this.end(runId, undefined);
    });
  }

  handleRetrieverError(error: unknown, runId: string): void {
    this.guard('retriever error', () => this.end(runId, error));
  }

  handleChatModelStart(
    llm: LcSerialized,
    messages: unknown,
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
    name?: string,
  ): void {
    this.guard('chat model start', () =>
      this.startModel('chat', llm, runId, parentRunId, extraParams, metadata, name, messages),
    );
  }

  handleLLMStart(
    llm: LcSerialized,
    prompts: unknown,
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
    name?: string,
  ): void {
    this.guard('llm start', () =>
      this.startModel(
        'text_completion',
        llm,
        runId,
        parentRunId,
        extraParams,
        metadata,
        name,
        prompts,
      ),
    );
  }

  handleLLMEnd(output: LcLlmResult, runId: string): void {
    this.guard('llm end', () => {
      const run = this.runs.get(runId);
      if (run?.model !== undefined) this.settleModel(run, run.model, output, undefined);
      this.end(runId, undefined);
    });
  }

  handleLLMError(error: unknown, runId: string): void {
    this.guard('llm error', () => {
      const run = this.runs.get(runId);
      if (run?.model !== undefined) this.settleModel(run, run.model, undefined, error);
      this.end(runId, error);
    });
  }

  private startModel(
    operation: string,
    llm: LcSerialized,
    runId: string,
    parentRunId: string | undefined,
    extraParams: Record<string, unknown> | undefined,
    metadata: Record<string, unknown> | undefined,
    name: string | undefined,
    prompts: unknown,
  ): void {
    const display = runName(llm, name);
    const params = extraParams?.invocation_params as Record<string, unknown> | undefined;
    const model =
      stringOf(params?.model) ?? stringOf(params?.model_name) ?? stringOf(metadata?.ls_model_name);
    const provider = stringOf(metadata?.ls_provider);
    const shape: RunShape = {
      name: modelSpanName(operation, model),
      kind: SpanKind.INTERNAL, // Decided before we know whether this span or the SDK's is the LLM call.
      operation,
    };
    // No gen_ai.* operation yet: it is set at the end only when this span is the LLM call.
    const attributes: Attributes = { 'sprintlens.langchain.run_name': display };
    claimPendingModelRun(runId);
    const run = this.start(runId, parentRunId, shape, attributes, {
      operation,
      model,
      provider,
      runName: display,
    });
    const capture = this.options.content?.();
    if (run !== undefined && capture !== undefined) {
      run.input =
        operation === 'chat'
          ? chatInput(prompts, capture)
          : mapDefined(completionInput(prompts, capture), (messages) => ({ messages }));
    }
    const graph = run?.graph;
    if (graph !== undefined) {
      graph.models++;
      graph.provider ??= provider;
      graph.model ??= model;
      // A model given tools (`bindTools`: the provider's invocation params list them).
      const tools = params?.tools;
      if (Array.isArray(tools) && tools.length > 0) graph.toolsBound = true;
    }
  }

  /**
   * The dedup rule, decided at the run's end: when an instrumented SDK call started under this
   * run, that span carries usage and cost, and this one is renamed to the run name with no
   * `gen_ai.operation.name` and no usage, so backends do not count a second LLM call. Otherwise
   * this span is the LLM call: operation, provider, model, usage and cost from our price table.
   */
  private settleModel(
    run: Run,
    model: ModelInfo,
    result: LcLlmResult | undefined,
    error: unknown,
  ): void {
    const span = run.span;
    if (run.providerCalls > 0) {
      // The provider's call records its own metrics: none here, so none twice.
      span.updateName(model.runName);
      span.setAttribute(ATTR_USAGE_SOURCE, 'provider');
      return;
    }
    span.setAttribute(ATTR_USAGE_SOURCE, 'framework');
    span.setAttribute(ATTR_OPERATION_NAME, model.operation);
    if (model.provider !== undefined) span.setAttribute(ATTR_PROVIDER_NAME, model.provider);
    if (model.model !== undefined) span.setAttribute(ATTR_REQUEST_MODEL, model.model);
    const usage = usageOf(result);
    let cost: number | undefined;
    if (usage !== undefined) {
      setDefined(span, ATTR_USAGE_INPUT_TOKENS, usage.inputTokens);
      setDefined(span, ATTR_USAGE_OUTPUT_TOKENS, usage.outputTokens);
      setDefined(span, ATTR_USAGE_CACHE_READ_INPUT_TOKENS, usage.cacheReadTokens);
      setDefined(span, ATTR_USAGE_CACHE_WRITE_INPUT_TOKENS, usage.cacheWriteTokens);
      setDefined(span, ATTR_USAGE_REASONING_OUTPUT_TOKENS, usage.reasoningTokens);
      cost = this.options.prices().cost(model.model, usage);
      setDefined(span, ATTR_COST_USD, cost);
    }
    const capture = this.options.content?.();
    if (capture !== undefined) {
      if (run.input !== undefined) {
        span.setAttribute(ATTR_INPUT_MESSAGES, run.input.messages);
        if (run.input.system !== undefined) {
          span.setAttribute(ATTR_SYSTEM_INSTRUCTIONS, run.input.system);
        }
      }
      if (result !== undefined)
        span.setAttribute(ATTR_OUTPUT_MESSAGES, modelOutput(result, capture));
    }
    this.measure(
      run,
      model,
      usage ?? {},
      cost,
      error === undefined ? undefined : errorTypeOf(error),
    );
    // An experiment item run beneath counts this call (the SDK pipeline does, under the other rule).
    usageTallyOf(run.context)?.add(usage?.inputTokens, usage?.outputTokens, cost);
  }

  /** The GenAI metrics and the usage ledger of a model run that is the LLM call. */
  private measure(
    run: Run,
    model: ModelInfo,
    usage: TokenUsage,
    cost: number | undefined,
    errorType: string | undefined,
  ): void {
    const provider = model.provider ?? UNKNOWN_PROVIDER;
    const seconds = (performance.now() - run.startedAt) / 1000;
    this.options.genAiMetrics?.()?.record(
      {
        operation: model.operation,
        provider,
        requestModel: model.model,
        responseModel: undefined,
        serverAddress: undefined,
        serverPort: undefined,
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        metricContext: undefined,
      },
      errorType,
      seconds,
    );
    this.options.usage?.()?.add(provider, model.operation, model.model, errorType, usage, cost);
  }

  private start(
    runId: string,
    parentRunId: string | undefined,
    shape: RunShape,
    attributes: Attributes,
    model: ModelInfo | undefined,
    chain?: ChainInfo,
  ): Run | undefined {
    if (typeof runId !== 'string' || this.runs.has(runId)) return undefined;
    // Parent by the run tree; a root run nests under whatever is active at its call.
    const parentRun = this.runOf(parentRunId);
    const parent = parentRun?.context ?? context.active();
    attributes[ATTR_RUN_ID] = runId;
    const span = this.options
      .tracer()
      .startSpan(shape.name, { kind: shape.kind, attributes }, parent);
    const run = new Run(
      span,
      parent,
      model,
      chain,
      parentRun?.activity ?? parentRun?.graph,
      parentRun === undefined ? undefined : this.visibleId(parentRunId),
    );
    if (this.runs.size >= MAX_RUNS_IN_FLIGHT) this.evictOldest();
    this.runs.set(runId, run);
    claimStreamRoot(runId);
    return run;
  }

  /**
   * A chain run's final name: a graph whose steps let a model call tools is an agent
   * (`invoke_agent`, with the model's provider), else it stays a workflow. Steps are named by
   * their node and carry no workflow name: they are parts of their graph's workflow.
   */
  private settleChain(run: Run, chain: ChainInfo): void {
    const span = run.span;
    if (chain.role === 'step') return;
    const agent = chain.role === 'agent' || run.activity?.isAgent === true;
    if (!agent) {
      span.setAttribute(ATTR_WORKFLOW_NAME, chain.name);
      return;
    }
    if (chain.role === 'graph') {
      span.updateName(`invoke_agent ${chain.name}`);
      span.setAttribute(ATTR_OPERATION_NAME, 'invoke_agent');
    }
    span.setAttribute(ATTR_AGENT_NAME, chain.name);
    const activity = run.activity;
    if (activity?.provider !== undefined) span.setAttribute(ATTR_PROVIDER_NAME, activity.provider);
    if (activity?.model !== undefined) span.setAttribute(ATTR_REQUEST_MODEL, activity.model);
  }

  private end(runId: string, error: unknown): void {
    const run = this.runs.get(runId);
    if (run === undefined) return;
    this.runs.delete(runId);
    if (run.chain !== undefined) this.settleChain(run, run.chain);
    if (run.toolName !== undefined) {
      this.options.toolCalls?.()?.add(run.toolName, error === undefined ? 'ok' : 'error');
    }
    if (error !== undefined) {
      const type = errorTypeOf(error);
      run.span.setAttribute(ATTR_ERROR_TYPE, type);
      // The message may quote inputs: only the type goes on the span.
      run.span.setStatus({ code: SpanStatusCode.ERROR, message: type });
    }
    run.span.end();
  }

  /**
   * The call id from the tool's `ToolMessage` when the start did not give it (early 1.x releases
   * of `@langchain/core`, 1.0.1 among them, pass no `toolCallId` to `handleToolStart`).
   */
  private noteToolCallId(runId: string, output: unknown): void {
    const run = this.runs.get(runId);
    if (run === undefined || run.toolCallIdSet) return;
    const id = (output as { tool_call_id?: unknown } | null | undefined)?.tool_call_id;
    if (typeof id === 'string' && id !== '') run.span.setAttribute(ATTR_TOOL_CALL_ID, id);
  }

  /** Sets `key` to `value` as `format` captures it, on run `runId`, when capture is on. */
  private capture(
    runId: string,
    key: string,
    value: unknown,
    format: (value: unknown, capture: ContentCapture) => string,
  ): void {
    const capture = this.options.content?.();
    if (capture === undefined) return;
    this.runs.get(runId)?.span.setAttribute(key, format(value, capture));
  }

  private guard(where: string, body: () => void): void {
    try {
      body();
    } catch (error) {
      reportInternal(`langchain ${where}`, error);
    }
  }
}

function mapDefined<T, U>(value: T | undefined, map: (value: T) => U): U | undefined {
  return value === undefined ? undefined : map(value);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function setDefined(span: Span, key: string, value: number | undefined): void {
  if (value !== undefined) span.setAttribute(key, value);
}

/** `error.type`: the error's class name, else its `name`. */
function errorTypeOf(error: unknown): string {
  if (error instanceof Error) {
    const ctor = error.constructor?.name;
    return typeof ctor === 'string' && ctor !== '' && ctor !== 'Error' ? ctor : error.name;
  }
  return '_OTHER';
}
