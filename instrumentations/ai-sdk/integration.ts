/**
 * The `ai` 7 telemetry integration: what the SDK tells every registered integration, as spans.
 *
 * Why an integration and not the `ai:telemetry` tracing channel: the channel carries no
 * `generateObject`/`streamObject` (they publish nothing on it), its messages for a streamed step
 * end without the step's usage (the step's message ends with no result, the model call's before
 * its stream is read), and it cannot make a span the context of the provider's request unless the
 * context manager's own `AsyncLocalStorage` is bound to it. The integration gets every call,
 * step, model call, tool execution and embedding with their usage, and its
 * `executeLanguageModelCall`/`executeTool` hooks run the provider request and the tool inside
 * our spans (so HTTP client spans, and an instrumented SDK's, nest under them). It is registered
 * the way `registerTelemetry()` does, on the SDK's global list, without loading `ai`.
 *
 * `ai` 6 reads the same global list and calls `onStart`/`onStepStart` of integrations with its
 * own event shapes; events without `aiVersion` (which `ai` 7 adds to every event) are ignored,
 * `ai` 5/6 being traced through their spans instead (legacy-tracer.ts).
 */
import { context } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { reportInternal } from '../genai/safe';
import type { GenAiTelemetry } from '../genai';
import { streamWatchOf } from './call-scope';
import { captureInput, captureOutput } from './content';
import type { ModelCallRun } from './model-call';
import { modelScopeOf } from './model-scope';
import { isAbortError, OperationRun } from './operation';
import { AI_FUNCTIONS, functionOf, requestAttributes } from './request-attributes';
import type { CallSettings } from './request-attributes';
import { usageOf } from './usage';

/**
 * Calls in flight beyond which the oldest is ended (`abandoned`): a bound on memory for calls the
 * SDK never ends (a stream nobody reads, in an app the stream watch does not see).
 */
export const MAX_CALLS_IN_FLIGHT = 10_000;

/** A telemetry event of `ai` 7 (every one carries the call id and `aiVersion`). */
type AiEvent = Record<string, unknown> & {
  readonly callId?: unknown;
  readonly aiVersion?: unknown;
};

/** What an `execute…` hook receives: the event, and the work to run in the span's context. */
type ExecuteEvent = AiEvent & { readonly execute: () => unknown };

/** One call in flight. */
class CallState {
  /** Embedding requests in flight, by their `embedCallId`. */
  readonly embeds = new Map<string, ModelCallRun>();

  constructor(readonly operation: OperationRun) {}
}

/**
 * The integration object registered with the AI SDK. Every hook is guarded: nothing of ours
 * reaches the app, and the `execute…` hooks run the SDK's work exactly once, as it would run.
 */
export class AiSdkIntegration {
  private readonly calls = new Map<string, CallState>();

  /** `telemetry()` is undefined while the instrumentation is disabled (nothing is recorded). */
  constructor(private readonly telemetry: () => GenAiTelemetry | undefined) {}

  /** Calls in flight (for tests and diagnostics). */
  get inFlight(): number {
    return this.calls.size;
  }

  onStart(event: AiEvent): void {
    this.guard('start', () => {
      if (!isAi7(event)) return;
      const fn = functionOf(event.operationId);
      const callId = event.callId;
      if (fn === undefined || typeof callId !== 'string' || this.calls.has(callId)) return;
      const telemetry = this.telemetry();
      if (telemetry === undefined) return;
      const { kind, streamed } = AI_FUNCTIONS[fn]!;
      const parent = context.active();
      const operation = new OperationRun(
        telemetry,
        {
          fn,
          kind,
          name: str(event.functionId),
          providerId: str(event.provider),
          model: str(event.modelId),
          attributes: requestAttributes(event as CallSettings),
          streamed,
        },
        parent,
      );
      if (this.calls.size >= MAX_CALLS_IN_FLIGHT) this.evictOldest();
      this.calls.set(callId, new CallState(operation));
      operation.onEnded = () => this.calls.delete(callId);
      if (streamed) streamWatchOf(parent)?.attach(operation);
      modelScopeOf(parent)?.attach(operation);
    });
  }

  /**
   * Runs one provider request with its model call's span active: the span starts here, from the
   * request's description (the hook gets the fields of `onLanguageModelCallStart`, which is not
   * implemented so the SDK does not copy the same event twice). One span per request: a request
   * the SDK retries ends failed before the next one starts; an abort ends it as `aborted`.
   */
  executeLanguageModelCall(event: ExecuteEvent): unknown {
    const { execute } = event;
    let call: ModelCallRun | undefined;
    try {
      const operation = this.stateOf(event)?.operation;
      if (operation !== undefined && !operation.isEnded) {
        call = operation.startModelCall({
          operation: 'chat',
          providerId: str(event.provider),
          model: str(event.modelId),
          attributes: requestAttributes(event as CallSettings),
          streamed: operation.streamed,
        });
        const content = operation.telemetry.content;
        if (content !== undefined) {
          const input = captureInput(event.instructions, event.messages, content);
          call.inputMessages = input.messages;
          call.systemInstructions = input.system;
        }
      }
    } catch (internal) {
      reportInternal('AI SDK model call', internal);
      call = undefined;
    }
    if (call === undefined) return execute();
    const active = call;
    return Promise.resolve(context.with(active.context, execute)).catch((error: unknown) => {
      if (isAbortError(error)) active.end('aborted');
      else active.fail(error, 'error');
      throw error;
    });
  }

  onLanguageModelCallEnd(event: AiEvent): void {
    this.guard('model call end', () => {
      const call = this.stateOf(event)?.operation.openModelCall();
      if (call === undefined) return;
      const finishReason = str(event.finishReason);
      call.responseId = str(event.responseId);
      call.responseModel = str(event.modelId);
      if (finishReason !== undefined) call.finishReasons = [finishReason];
      call.setUsage(usageOf(event.usage));
      call.setServer(objectOf(event.request)?.url);
      const ttft = objectOf(event.performance)?.timeToFirstOutputMs;
      if (typeof ttft === 'number' && Number.isFinite(ttft)) call.timeToFirstToken = ttft / 1000;
      const content = this.content(event);
      if (content !== undefined) {
        call.outputMessages = captureOutput(event.content, finishReason, content);
      }
      // The server reported a failure in the stream (an `error` part): the call failed.
      if (finishReason === 'error') call.fail(undefined, 'error', '_OTHER');
      else call.end('completed');
    });
  }

  onStepError(event: AiEvent): void {
    this.guard('step error', () => {
      // A stream that failed after its request (a cut connection); a failed request has ended.
      this.stateOf(event)?.operation.openModelCall()?.fail(event.error, 'error');
    });
  }

  onToolExecutionStart(event: AiEvent): void {
    this.guard('tool start', () => {
      const state = this.stateOf(event);
      const toolCall = objectOf(event.toolCall);
      if (state === undefined || toolCall === undefined) return;
      state.operation.startTool({
        name: str(toolCall.toolName) ?? 'unknown',
        callId: str(toolCall.toolCallId),
        args: toolCall.input,
      });
    });
  }

  /** Runs the tool with its span active. */
  executeTool(event: ExecuteEvent): unknown {
    const { execute } = event;
    let toolContext: Context | undefined;
    try {
      toolContext = this.stateOf(event)?.operation.tool(event.toolCallId)?.context;
    } catch (internal) {
      reportInternal('AI SDK tool call', internal);
    }
    return toolContext === undefined ? execute() : context.with(toolContext, execute);
  }

  onToolExecutionEnd(event: AiEvent): void {
    this.guard('tool end', () => {
      const state = this.stateOf(event);
      const toolCall = objectOf(event.toolCall);
      const output = objectOf(event.toolOutput);
      const tool = state?.operation.tool(toolCall?.toolCallId);
      if (tool === undefined) return;
      if (output?.type === 'tool-error') tool.fail(output.error);
      else tool.end(output?.output);
    });
  }

  onObjectStepStart(event: AiEvent): void {
    this.guard('object step start', () => {
      const state = this.stateOf(event);
      if (state === undefined) return;
      const call = state.operation.startModelCall({
        operation: 'chat',
        providerId: str(event.provider),
        model: str(event.modelId),
        attributes: {},
        streamed: state.operation.streamed,
      });
      const content = state.operation.telemetry.content;
      if (content !== undefined) {
        const input = captureInput(undefined, event.promptMessages, content);
        call.inputMessages = input.messages;
        call.systemInstructions = input.system;
      }
    });
  }

  onObjectStepEnd(event: AiEvent): void {
    this.guard('object step end', () => {
      const call = this.stateOf(event)?.operation.openModelCall();
      if (call === undefined) return;
      const finishReason = str(event.finishReason);
      const response = objectOf(event.response);
      call.responseId = str(response?.id);
      call.responseModel = str(response?.modelId);
      if (finishReason !== undefined) call.finishReasons = [finishReason];
      call.setUsage(usageOf(event.usage));
      call.setServer(objectOf(event.request)?.url);
      const content = this.content(event);
      if (content !== undefined) {
        call.outputMessages = captureOutput(
          [{ type: 'text', text: event.objectText }],
          finishReason,
          content,
        );
      }
      if (finishReason === 'error') call.fail(undefined, 'error', '_OTHER');
      else call.end('completed');
    });
  }

  onEmbedStart(event: AiEvent): void {
    this.guard('embed start', () => {
      const state = this.stateOf(event);
      const id = str(event.embedCallId);
      if (state === undefined || id === undefined) return;
      state.embeds.set(
        id,
        state.operation.startModelCall({
          operation: 'embeddings',
          providerId: str(event.provider),
          model: str(event.modelId),
          attributes: {},
          streamed: false,
        }),
      );
    });
  }

  onEmbedEnd(event: AiEvent): void {
    this.guard('embed end', () => {
      const state = this.stateOf(event);
      const id = str(event.embedCallId);
      const call = id === undefined ? undefined : state?.embeds.get(id);
      if (state === undefined || call === undefined || id === undefined) return;
      state.embeds.delete(id);
      call.setUsage(usageOf(event.usage));
      call.end();
    });
  }

  onEnd(event: AiEvent): void {
    this.guard('end', () => {
      const operation = this.stateOf(event)?.operation;
      if (operation === undefined) return;
      operation.reported = usageOf(event.totalUsage ?? event.usage);
      const finishReason = str(event.finishReason);
      if (finishReason !== undefined) operation.finishReasons = [finishReason];
      operation.end();
    });
  }

  onError(event: AiEvent): void {
    this.guard('error', () => {
      const operation = this.stateOf(event)?.operation;
      operation?.fail(event.error, operation.streamed ? 'error' : undefined);
    });
  }

  onAbort(event: AiEvent): void {
    this.guard('abort', () => this.stateOf(event)?.operation.end('aborted'));
  }

  private content(event: AiEvent) {
    return this.stateOf(event)?.operation.telemetry.content;
  }

  private stateOf(event: AiEvent): CallState | undefined {
    const id = event.callId;
    return typeof id === 'string' ? this.calls.get(id) : undefined;
  }

  private evictOldest(): void {
    const oldest = this.calls.values().next();
    if (oldest.done === true) return;
    oldest.value.operation.end('abandoned');
    reportInternal(
      'AI SDK calls in flight',
      new Error(`more than ${MAX_CALLS_IN_FLIGHT} AI SDK calls in flight; the oldest was ended`),
    );
  }

  private guard(where: string, body: () => void): void {
    try {
      body();
    } catch (error) {
      reportInternal(`AI SDK ${where}`, error);
    }
  }
}

/** Events of `ai` 7 and later carry `aiVersion`; `ai` 6 calls `onStart` without it. */
function isAi7(event: AiEvent): boolean {
  const version = event.aiVersion;
  return typeof version === 'string' && Number.parseInt(version, 10) >= 7;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)
    : undefined;
}
