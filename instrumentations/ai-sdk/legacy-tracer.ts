/**
 * `ai` 5 and 6: the SDK records its own spans (`ai.generateText`, `ai.generateText.doGenerate`,
 * `ai.toolCall`, …) through the tracer given in `experimental_telemetry.tracer`. The wrapped
 * functions (exports.ts) give it this one, which builds our spans from theirs, as they happen:
 * each `ai.*` span the SDK starts becomes the operation, model call or tool span of the `ai` 7
 * path (operation.ts, model-call.ts, tool-call.ts), with the GenAI conventions' names and
 * attributes, cost and metrics. Their raw spans are never recorded, so there is one span per
 * thing, not two; and nothing they record is copied as is (prompts, responses and request
 * headers are `ai.*` attributes: content reaches a span only through content capture).
 */
import { context, INVALID_SPAN_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import type {
  AttributeValue,
  Attributes,
  Context,
  Exception,
  Link,
  Span,
  SpanContext,
  SpanOptions,
  SpanStatus,
  Tracer,
} from '@opentelemetry/api';
import {
  ATTR_REQUEST_FREQUENCY_PENALTY,
  ATTR_REQUEST_MAX_TOKENS,
  ATTR_REQUEST_PRESENCE_PENALTY,
  ATTR_REQUEST_STOP_SEQUENCES,
  ATTR_REQUEST_TEMPERATURE,
  ATTR_REQUEST_TOP_K,
  ATTR_REQUEST_TOP_P,
} from '../genai/semconv';
import { reportInternal } from '../genai/safe';
import type { ContentCapture, GenAiTelemetry } from '../genai';
import { captureJsonPrompt, captureLegacyOutput } from './content';
import type { ModelCallRun } from './model-call';
import { OperationRun } from './operation';
import { AI_FUNCTIONS, requestAttributes } from './request-attributes';
import type { StreamWatch } from './stream-watch';
import type { ToolCallRun } from './tool-call';
import { count } from './usage';
import type { AiUsage } from './usage';

/** The `gen_ai.request.*` attributes `ai` 5/6 set on their model-call spans, kept as they are. */
const REQUEST_ATTRIBUTES = [
  ATTR_REQUEST_MAX_TOKENS,
  ATTR_REQUEST_TEMPERATURE,
  ATTR_REQUEST_TOP_P,
  ATTR_REQUEST_TOP_K,
  ATTR_REQUEST_PRESENCE_PENALTY,
  ATTR_REQUEST_FREQUENCY_PENALTY,
  ATTR_REQUEST_STOP_SEQUENCES,
];

/** `ai.*` attributes read from a span: what it is, and what it returned (content apart). */
const READ = new Set([
  'ai.model.provider',
  'ai.model.id',
  'ai.telemetry.functionId',
  'ai.response.finishReason',
  'ai.response.id',
  'ai.response.model',
  'ai.response.msToFirstChunk',
  'ai.usage.inputTokens',
  'ai.usage.promptTokens',
  'ai.usage.outputTokens',
  'ai.usage.completionTokens',
  'ai.usage.inputTokenDetails.cacheReadTokens',
  'ai.usage.cachedInputTokens',
  'ai.usage.inputTokenDetails.cacheWriteTokens',
  'ai.usage.outputTokenDetails.reasoningTokens',
  'ai.usage.reasoningTokens',
  'ai.usage.tokens',
  'ai.toolCall.name',
  'ai.toolCall.id',
  ...REQUEST_ATTRIBUTES,
]);

/** Content attributes, read only when content capture is on. */
const CONTENT = new Set([
  'ai.prompt.messages',
  'ai.response.text',
  'ai.response.reasoning',
  'ai.response.toolCalls',
  'ai.response.object',
  'ai.toolCall.args',
  'ai.toolCall.result',
]);

/**
 * The tracer of one `ai` 5/6 call (made by the wrapped function): the first operation span the
 * SDK starts is the call's; model calls and tools go under it.
 */
export class LegacyTracer implements Tracer {
  /** The call's operation, once the SDK started its span. */
  private operation: OperationRun | undefined = undefined;

  constructor(
    private readonly telemetry: GenAiTelemetry,
    private readonly watch: StreamWatch | undefined,
  ) {}

  startSpan(name: string, options?: SpanOptions, parent?: Context): Span {
    return this.translate(name, options?.attributes ?? {}, parent ?? context.active());
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    parent: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    ...args: [F] | [SpanOptions, F] | [SpanOptions, Context, F]
  ): ReturnType<F> {
    const fn = args[args.length - 1] as F;
    const options = args.length > 1 ? (args[0] as SpanOptions) : undefined;
    const parent = args.length > 2 ? (args[1] as Context) : context.active();
    const span = this.translate(name, options?.attributes ?? {}, parent);
    return context.with(span.context, () => fn(span)) as ReturnType<F>;
  }

  private translate(name: string, attributes: Attributes, parent: Context): LegacySpan {
    try {
      const fn = name.startsWith('ai.') ? name.slice(3) : undefined;
      if (fn !== undefined && Object.hasOwn(AI_FUNCTIONS, fn) && this.operation === undefined) {
        const span = new OperationSpan(this.telemetry, fn, attributes, parent, this.watch);
        this.operation = span.operation;
        this.watch?.attach(span.operation);
        return span;
      }
      const operation = this.operation;
      if (operation !== undefined && !operation.isEnded) {
        if (name.endsWith('.doGenerate') || name.endsWith('.doStream')) {
          return new ModelCallSpan(operation, 'chat', name.endsWith('.doStream'), attributes);
        }
        if (name.endsWith('.doEmbed')) {
          return new ModelCallSpan(operation, 'embeddings', false, attributes);
        }
        if (name === 'ai.toolCall') return new ToolSpan(operation, attributes);
      }
    } catch (internal) {
      reportInternal('AI SDK span', internal);
    }
    // Anything else (a span of a newer SDK release): not recorded; its children nest where it is.
    return new IgnoredSpan(parent);
  }
}

/**
 * A span as the SDK sees it: it sets attributes, events, status and exceptions, and ends it. The
 * subclasses turn that into our spans; none may throw into the SDK.
 */
abstract class LegacySpan implements Span {
  /** The context the SDK runs the span's work in (our span active). */
  abstract readonly context: Context;
  /** The `ai.*` attributes of interest, as set so far. */
  protected readonly seen = new Map<string, AttributeValue>();
  /** The name of the exception the SDK recorded, when it failed. */
  protected exceptionName: string | undefined = undefined;
  protected failed = false;
  private ended = false;

  constructor(protected readonly content: boolean) {}

  abstract spanContext(): SpanContext;
  /** Records what the span says, once it ends. */
  protected abstract close(): void;

  setAttribute(key: string, value: AttributeValue): this {
    if (value !== undefined && (READ.has(key) || (this.content && CONTENT.has(key)))) {
      this.seen.set(key, value);
    }
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) {
      const value = attributes[key];
      if (value !== undefined) this.setAttribute(key, value);
    }
    return this;
  }

  addEvent(): this {
    return this;
  }

  addLink(_link: Link): this {
    return this;
  }

  addLinks(_links: Link[]): this {
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (status.code === SpanStatusCode.ERROR) this.failed = true;
    return this;
  }

  updateName(): this {
    return this;
  }

  isRecording(): boolean {
    return true;
  }

  recordException(exception: Exception): void {
    if (typeof exception === 'object' && exception !== null) {
      const name = (exception as { name?: unknown }).name;
      if (typeof name === 'string') this.exceptionName = name;
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      this.close();
    } catch (internal) {
      reportInternal('ending an AI SDK span', internal);
    }
  }

  protected str(key: string): string | undefined {
    const value = this.seen.get(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  /** The usage the span reported (`ai` 5 and 6 names), if any. */
  protected usage(): AiUsage | undefined {
    const n = (key: string): number | undefined => count(this.seen.get(key));
    const embedding = n('ai.usage.tokens');
    if (embedding !== undefined) return { inputTokens: embedding };
    const usage: AiUsage = {
      inputTokens: n('ai.usage.inputTokens') ?? n('ai.usage.promptTokens'),
      outputTokens: n('ai.usage.outputTokens') ?? n('ai.usage.completionTokens'),
      cacheReadTokens:
        n('ai.usage.inputTokenDetails.cacheReadTokens') ?? n('ai.usage.cachedInputTokens'),
      cacheWriteTokens: n('ai.usage.inputTokenDetails.cacheWriteTokens'),
      reasoningTokens:
        n('ai.usage.outputTokenDetails.reasoningTokens') ?? n('ai.usage.reasoningTokens'),
    };
    return usage.inputTokens === undefined && usage.outputTokens === undefined ? undefined : usage;
  }

  /** How the span ended: failed (with the exception's class), aborted, or fine. */
  protected ending(): { readonly errorType?: string; readonly aborted: boolean } {
    if (!this.failed && this.exceptionName === undefined) return { aborted: false };
    const name = this.exceptionName;
    if (name === 'AbortError') return { aborted: true };
    // AI SDK errors are named `AI_<Class>` (`AI_APICallError`): the class, as `ai` 7 spans show.
    return { errorType: name === undefined ? '_OTHER' : name.replace(/^AI_/, ''), aborted: false };
  }
}

/** `ai.generateText`, `ai.streamText`, …: the call's operation span. */
class OperationSpan extends LegacySpan {
  readonly operation: OperationRun;
  readonly context: Context;

  constructor(
    telemetry: GenAiTelemetry,
    fn: string,
    attributes: Attributes,
    parent: Context,
    private readonly watch: StreamWatch | undefined,
  ) {
    super(telemetry.content !== undefined);
    const { kind, streamed } = AI_FUNCTIONS[fn]!;
    const setting = (name: string): unknown => attributes[`ai.settings.${name}`];
    this.operation = new OperationRun(
      telemetry,
      {
        fn,
        kind,
        name: stringOf(attributes['ai.telemetry.functionId']),
        providerId: stringOf(attributes['ai.model.provider']),
        model: stringOf(attributes['ai.model.id']),
        attributes: requestAttributes({
          maxOutputTokens: setting('maxOutputTokens'),
          maxTokens: setting('maxTokens'),
          temperature: setting('temperature'),
          topP: setting('topP'),
          topK: setting('topK'),
          presencePenalty: setting('presencePenalty'),
          frequencyPenalty: setting('frequencyPenalty'),
          stopSequences: setting('stopSequences'),
          seed: setting('seed'),
        }),
        streamed,
      },
      parent,
    );
    this.context = this.operation.context;
  }

  spanContext(): SpanContext {
    return this.operation.span.spanContext();
  }

  protected close(): void {
    const operation = this.operation;
    operation.reported = this.usage();
    const finishReason = this.str('ai.response.finishReason');
    if (finishReason !== undefined) operation.finishReasons = [finishReason];
    const { errorType, aborted } = this.ending();
    // On an abort, `ai` 5/6 may end the call's span with no error (and leave its model call's open).
    if (aborted || this.watch?.aborted === true) operation.end('aborted');
    else if (errorType !== undefined) {
      operation.fail(undefined, operation.streamed ? 'error' : undefined, errorType);
    } else operation.end();
  }
}

/** `….doGenerate`, `….doStream`, `….doEmbed`: one model call. */
class ModelCallSpan extends LegacySpan {
  readonly call: ModelCallRun;
  readonly context: Context;
  private readonly capture: ContentCapture | undefined;

  constructor(
    operation: OperationRun,
    kind: 'chat' | 'embeddings',
    streamed: boolean,
    attributes: Attributes,
  ) {
    super(operation.telemetry.content !== undefined);
    this.capture = operation.telemetry.content;
    // The call's settings, then what the SDK put on the model call (`seed` is only on the call).
    const request: Attributes = { ...operation.requestAttributes };
    for (const key of REQUEST_ATTRIBUTES) {
      const value = attributes[key];
      if (value !== undefined && value !== null) request[key] = value;
    }
    this.call = operation.startModelCall({
      operation: kind,
      providerId: stringOf(attributes['ai.model.provider']),
      model: stringOf(attributes['ai.model.id']),
      attributes: request,
      streamed,
    });
    this.context = this.call.context;
    this.setAttributes(attributes);
  }

  spanContext(): SpanContext {
    return this.call.span.spanContext();
  }

  protected close(): void {
    const call = this.call;
    call.responseId = this.str('ai.response.id');
    call.responseModel = this.str('ai.response.model');
    const finishReason = this.str('ai.response.finishReason');
    if (finishReason !== undefined) call.finishReasons = [finishReason];
    call.setUsage(this.usage());
    const ttft = this.seen.get('ai.response.msToFirstChunk');
    if (typeof ttft === 'number' && Number.isFinite(ttft)) call.timeToFirstToken = ttft / 1000;
    const content = call.isEnded ? undefined : this.capture;
    if (content !== undefined) {
      const input = captureJsonPrompt(this.seen.get('ai.prompt.messages'), content);
      call.inputMessages = input.messages;
      call.systemInstructions = input.system;
      if (call.operation === 'chat') {
        call.outputMessages = captureLegacyOutput(
          {
            text: this.seen.get('ai.response.text'),
            reasoning: this.seen.get('ai.response.reasoning'),
            toolCalls: this.seen.get('ai.response.toolCalls'),
            object: this.seen.get('ai.response.object'),
          },
          finishReason,
          content,
        );
      }
    }
    const { errorType, aborted } = this.ending();
    if (aborted) call.end('aborted');
    else if (errorType !== undefined) call.fail(undefined, 'error', errorType);
    else if (finishReason === 'error') call.fail(undefined, 'error', '_OTHER');
    else call.end('completed');
  }
}

/** `ai.toolCall`: one tool execution. */
class ToolSpan extends LegacySpan {
  readonly tool: ToolCallRun;
  readonly context: Context;

  constructor(operation: OperationRun, attributes: Attributes) {
    super(operation.telemetry.content !== undefined);
    this.tool = operation.startTool({
      name: stringOf(attributes['ai.toolCall.name']) ?? 'unknown',
      callId: stringOf(attributes['ai.toolCall.id']),
      args: this.content ? attributes['ai.toolCall.args'] : undefined,
    });
    this.context = this.tool.context;
  }

  spanContext(): SpanContext {
    return this.tool.span.spanContext();
  }

  protected close(): void {
    const { errorType } = this.ending();
    if (errorType !== undefined) this.tool.fail(undefined, errorType);
    else this.tool.end(this.seen.get('ai.toolCall.result'));
  }
}

/** A span we do not record: its work runs where it is, under the nearest span of ours. */
class IgnoredSpan extends LegacySpan {
  constructor(readonly context: Context) {
    super(false);
  }

  spanContext(): SpanContext {
    return trace.getSpanContext(this.context) ?? INVALID_SPAN_CONTEXT;
  }

  protected close(): void {}
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
