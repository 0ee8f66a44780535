import { SpanKind, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span } from '@opentelemetry/api';
import {
  ATTR_OPERATION_NAME,
  ATTR_PROVIDER_NAME,
  ATTR_REQUEST_MODEL,
  ATTR_RESPONSE_FINISH_REASONS,
  ATTR_STREAM_CHUNKS,
  ATTR_STREAM_OUTCOME,
} from '../genai/semconv';
import { reportInternal } from '../genai/safe';
import type { GenAiTelemetry, StreamOutcome } from '../genai';
import { errorTypeOf, markFailed } from './errors';
import { ModelCallRun } from './model-call';
import type { ModelCallOwner, ModelCallStart } from './model-call';
import {
  ATTR_AGENT_NAME,
  ATTR_AI_SDK_FUNCTION,
  ATTR_MODEL_CALLS,
  ATTR_TOTAL_CACHE_READ_TOKENS,
  ATTR_TOTAL_CACHE_WRITE_TOKENS,
  ATTR_TOTAL_COST_USD,
  ATTR_TOTAL_INPUT_TOKENS,
  ATTR_TOTAL_OUTPUT_TOKENS,
  ATTR_TOTAL_REASONING_TOKENS,
  ATTR_WORKFLOW_NAME,
} from './names';
import { providerName } from './provider-name';
import { ToolCallRun } from './tool-call';
import type { ToolCallStart } from './tool-call';
import { addCounts } from './usage';
import type { AiUsage } from './usage';
import type { WatchedCall } from './stream-watch';

/**
 * `agent`: a call that may run tools in a loop of steps (`generateText`, `streamText`, agents):
 * `invoke_agent`. `workflow`: a call that does not (`generateObject`, `streamObject`, `embed`,
 * `embedMany`): `invoke_workflow`.
 */
export type OperationKind = 'agent' | 'workflow';

/** What an AI SDK call is, when it starts. */
export interface OperationStart {
  /** The AI SDK function (`generateText`, `streamText`, …). */
  readonly fn: string;
  readonly kind: OperationKind;
  /** The app's name for it (`telemetry.functionId`); default: the function's name. */
  readonly name: string | undefined;
  readonly providerId: string | undefined;
  readonly model: string | undefined;
  /** `gen_ai.request.*` parameters of the call. */
  readonly attributes: Attributes;
  /** A streaming call (`streamText`, `streamObject`). */
  readonly streamed: boolean;
}

/** How an operation ended: with a stream outcome when it streamed. */
export type OperationOutcome = StreamOutcome | 'abandoned';

/**
 * One AI SDK call (`generateText`, `streamText`, …): the `invoke_agent {name}` or
 * `invoke_workflow {name}` span, the parent of its model calls and tool executions, ended exactly
 * once whichever way the call ends (its children still open are ended with it).
 *
 * The call's token totals and cost are on this span as `sprintlens.usage.total_*` and
 * `sprintlens.cost.total_usd`, for reading; never as `gen_ai.usage.*`, so a backend summing
 * `gen_ai.usage.*` over a trace counts each token once, on the model calls.
 */
export class OperationRun implements ModelCallOwner, WatchedCall {
  readonly span: Span;
  /** The span active. */
  readonly context: Context;
  readonly streamed: boolean;
  /** Parts of the result stream delivered to the app (streaming calls). */
  chunks = 0;
  /** The totals the SDK reported for the whole call, when it did. */
  reported: AiUsage | undefined = undefined;
  finishReasons: string[] | undefined = undefined;
  /** Called once when the span has ended (the owner forgets the call). */
  onEnded: (() => void) | undefined = undefined;
  /** The call's `gen_ai.request.*` settings (its model calls' defaults). */
  readonly requestAttributes: Attributes;

  private readonly modelCalls = new Set<ModelCallRun>();
  private readonly tools = new Map<string, ToolCallRun>();
  private readonly summed: AiUsage = {};
  private cost = 0;
  /** Every model call that counted tokens had a price, and none left its count to an SDK span. */
  private costComplete = true;
  private modelCallCount = 0;
  private unnamedTools = 0;
  private ended = false;

  constructor(
    readonly telemetry: GenAiTelemetry,
    start: OperationStart,
    parent: Context,
  ) {
    this.streamed = start.streamed;
    this.requestAttributes = start.attributes;
    const name = start.name ?? start.fn;
    const agent = start.kind === 'agent';
    const operation = agent ? 'invoke_agent' : 'invoke_workflow';
    // What the conventions name for sampling goes in at creation; the rest after (the SDK
    // validates creation attributes twice).
    const attributes: Attributes = {
      [ATTR_OPERATION_NAME]: operation,
      [ATTR_PROVIDER_NAME]: providerName(start.providerId),
      [ATTR_REQUEST_MODEL]: start.model,
    };
    this.span = telemetry.tracer.startSpan(
      `${operation} ${name}`,
      { kind: SpanKind.INTERNAL, attributes },
      parent,
    );
    this.span.setAttribute(agent ? ATTR_AGENT_NAME : ATTR_WORKFLOW_NAME, name);
    this.span.setAttribute(ATTR_AI_SDK_FUNCTION, start.fn);
    this.span.setAttributes(start.attributes);
    this.context = trace.setSpan(parent, this.span);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Starts a model call of this operation (its span a child of this one). */
  startModelCall(start: ModelCallStart): ModelCallRun {
    const call = new ModelCallRun(this, start);
    this.modelCallCount++;
    if (!this.ended) this.modelCalls.add(call);
    return call;
  }

  /**
   * The model call whose request is about to be sent (model-scope.ts): the oldest open one not
   * claimed yet (`embedMany` announces its parallel requests in the order it sends them), else
   * the one started last (a retry of the same request).
   */
  claimModelCall(): ModelCallRun | undefined {
    let last: ModelCallRun | undefined;
    for (const call of this.modelCalls) {
      if (!call.claimed) {
        call.claimed = true;
        return call;
      }
      last = call;
    }
    return last;
  }

  /** The model call started last and still open. */
  openModelCall(): ModelCallRun | undefined {
    let last: ModelCallRun | undefined;
    for (const call of this.modelCalls) last = call;
    return last;
  }

  modelCallEnded(call: ModelCallRun, counted: boolean, cost: number | undefined): void {
    this.modelCalls.delete(call);
    if (!counted) {
      this.costComplete = false;
      return;
    }
    const s = this.summed;
    s.inputTokens = addCounts(s.inputTokens, call.inputTokens);
    s.outputTokens = addCounts(s.outputTokens, call.outputTokens);
    s.cacheReadTokens = addCounts(s.cacheReadTokens, call.cacheReadTokens);
    s.cacheWriteTokens = addCounts(s.cacheWriteTokens, call.cacheWriteTokens);
    s.reasoningTokens = addCounts(s.reasoningTokens, call.reasoningTokens);
    if (cost !== undefined) this.cost += cost;
    else if (call.inputTokens !== undefined || call.outputTokens !== undefined) {
      this.costComplete = false;
    }
  }

  /** Starts a tool execution of this operation, found again by its call id. */
  startTool(start: ToolCallStart): ToolCallRun {
    const key = start.callId ?? `#${++this.unnamedTools}`;
    const tool = new ToolCallRun(
      this.context,
      this.telemetry.tracer,
      start,
      this.telemetry.content,
      () => this.tools.delete(key),
    );
    if (!this.ended) this.tools.set(key, tool);
    return tool;
  }

  /** The open tool execution of `callId`. */
  tool(callId: unknown): ToolCallRun | undefined {
    return typeof callId === 'string' ? this.tools.get(callId) : undefined;
  }

  addChunks(count: number): void {
    this.chunks += count;
  }

  /** The app stopped reading the call's streams: it ends `cancelled`, with what it got. */
  cancel(): void {
    this.end('cancelled');
  }

  /** A stream of the call failed; an abort ends it as `aborted`, not failed. */
  failStream(error: unknown): void {
    if (isAbortError(error)) this.end('aborted');
    else this.fail(error, 'error');
  }

  /** Ends successfully; open children end with it. */
  end(outcome?: OperationOutcome): void {
    if (this.ended) return;
    this.ended = true;
    for (const call of this.takeModelCalls()) call.end(streamOutcome(outcome));
    for (const tool of this.takeTools()) tool.end();
    this.finish(outcome);
  }

  /**
   * Ends failed with `error` (its class is the `error.type`, unless `errorType` says it); open
   * children fail with it.
   */
  fail(error: unknown, outcome?: OperationOutcome, errorType?: string): void {
    if (this.ended) return;
    this.ended = true;
    const type = errorType ?? errorTypeOf(error);
    for (const call of this.takeModelCalls()) call.fail(error, streamOutcome(outcome), type);
    for (const tool of this.takeTools()) tool.fail(error, type);
    try {
      markFailed(this.span, type, undefined);
    } catch (internal) {
      reportInternal('ending an AI SDK call', internal);
    }
    this.finish(outcome);
  }

  private takeModelCalls(): ModelCallRun[] {
    const open = [...this.modelCalls];
    this.modelCalls.clear();
    return open;
  }

  private takeTools(): ToolCallRun[] {
    const open = [...this.tools.values()];
    this.tools.clear();
    return open;
  }

  private finish(outcome: OperationOutcome | undefined): void {
    const span = this.span;
    try {
      if (this.finishReasons !== undefined && this.finishReasons.length > 0) {
        span.setAttribute(ATTR_RESPONSE_FINISH_REASONS, this.finishReasons);
      }
      span.setAttribute(ATTR_MODEL_CALLS, this.modelCallCount);
      const totals = this.reported ?? this.summed;
      setDefined(span, ATTR_TOTAL_INPUT_TOKENS, totals.inputTokens);
      setDefined(span, ATTR_TOTAL_OUTPUT_TOKENS, totals.outputTokens);
      setDefined(span, ATTR_TOTAL_CACHE_READ_TOKENS, totals.cacheReadTokens);
      setDefined(span, ATTR_TOTAL_CACHE_WRITE_TOKENS, totals.cacheWriteTokens);
      setDefined(span, ATTR_TOTAL_REASONING_TOKENS, totals.reasoningTokens);
      if (this.costComplete && this.summed.inputTokens !== undefined) {
        span.setAttribute(ATTR_TOTAL_COST_USD, this.cost);
      }
      if (this.streamed) {
        span.setAttribute(ATTR_STREAM_CHUNKS, this.chunks);
        span.setAttribute(ATTR_STREAM_OUTCOME, outcome ?? 'completed');
      }
    } catch (internal) {
      reportInternal('ending an AI SDK call', internal);
    }
    span.end();
    try {
      this.onEnded?.();
    } catch (internal) {
      reportInternal('ending an AI SDK call', internal);
    }
  }
}

/** Abort errors of fetch and of the streams (`AbortError`). */
export function isAbortError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'AbortError'
  );
}

/** A model call's stream outcome for the operation's (`abandoned` ones were cancelled). */
function streamOutcome(outcome: OperationOutcome | undefined): StreamOutcome | undefined {
  return outcome === 'abandoned' ? 'cancelled' : outcome;
}

function setDefined(span: Span, key: string, value: number | undefined): void {
  if (value !== undefined) span.setAttribute(key, value);
}
