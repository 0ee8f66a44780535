import { SpanKind, trace } from '@opentelemetry/api';
import type { Context, Span, Tracer } from '@opentelemetry/api';
import { ATTR_OPERATION_NAME } from '../genai/semconv';
import { reportInternal } from '../genai/safe';
import type { ContentCapture } from '../genai';
import { heldToolCalls } from '../genai/tool-metrics';
import { captureValue } from './content';
import { errorTypeOf, markFailed } from './errors';
import {
  ATTR_TOOL_CALL_ARGUMENTS,
  ATTR_TOOL_CALL_ID,
  ATTR_TOOL_CALL_RESULT,
  ATTR_TOOL_NAME,
  ATTR_TOOL_TYPE,
} from './names';

/** What a tool execution is, when it starts. */
export interface ToolCallStart {
  readonly name: string;
  readonly callId: string | undefined;
  /** The arguments, captured only when content capture is on. */
  readonly args?: unknown;
}

/**
 * One tool execution of an AI SDK operation: an INTERNAL span `execute_tool {tool}` under the
 * operation span, active while the tool's `execute` runs (so what the tool does nests under it),
 * ended exactly once. Arguments and result are captured only when content capture is on.
 */
export class ToolCallRun {
  readonly span: Span;
  readonly context: Context;
  readonly callId: string | undefined;
  private readonly name: string;
  private ended = false;

  constructor(
    parent: Context,
    tracer: Tracer,
    start: ToolCallStart,
    private readonly content: ContentCapture | undefined,
    /** Called once when the span has ended. */
    private readonly onEnded: () => void,
  ) {
    this.callId = start.callId;
    this.name = start.name;
    const attributes = {
      [ATTR_OPERATION_NAME]: 'execute_tool',
      [ATTR_TOOL_NAME]: start.name,
      [ATTR_TOOL_TYPE]: 'function',
      ...(start.callId === undefined ? {} : { [ATTR_TOOL_CALL_ID]: start.callId }),
      ...(content === undefined || start.args === undefined
        ? {}
        : { [ATTR_TOOL_CALL_ARGUMENTS]: captureValue(start.args, content) }),
    };
    this.span = tracer.startSpan(
      `execute_tool ${start.name}`,
      { kind: SpanKind.INTERNAL, attributes },
      parent,
    );
    this.context = trace.setSpan(parent, this.span);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Ends with the tool's result (captured only when content capture is on). */
  end(result?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    try {
      if (this.content !== undefined && result !== undefined) {
        this.span.setAttribute(ATTR_TOOL_CALL_RESULT, captureValue(result, this.content));
      }
    } catch (internal) {
      reportInternal('ending an AI SDK tool call', internal);
    }
    this.span.end();
    heldToolCalls()?.add(this.name, 'ok');
    this.onEnded();
  }

  /** Ends failed: the tool threw (the SDK may still hand the error to the model). */
  fail(error: unknown, errorType?: string): void {
    if (this.ended) return;
    this.ended = true;
    try {
      markFailed(this.span, errorType ?? errorTypeOf(error), undefined);
    } catch (internal) {
      reportInternal('ending an AI SDK tool call', internal);
    }
    this.span.end();
    heldToolCalls()?.add(this.name, 'error');
    this.onEnded();
  }
}
