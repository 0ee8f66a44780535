import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { pickAttributes } from '../../src/context/request-scope';
import { rememberResponseSpan } from '../../src/base/response-spans';
import { usageTallyOf } from '../../src/base/usage-tally';
import type { LlmRequest } from './adapter';
import type { TokenUsage } from './prices';
import { noteProviderCall } from './framework-run';
import { reportInternal } from './safe';
import {
  ATTR_COST_USD,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_STATUS_CODE,
  ATTR_INPUT_MESSAGES,
  ATTR_OPERATION_NAME,
  ATTR_OUTPUT_MESSAGES,
  ATTR_PROVIDER_NAME,
  ATTR_REQUEST_MODEL,
  ATTR_RESPONSE_FINISH_REASONS,
  ATTR_RESPONSE_ID,
  ATTR_RESPONSE_MODEL,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_STREAM_CHUNKS,
  ATTR_STREAM_OUTCOME,
  ATTR_STREAM_TIME_TO_FIRST_TOKEN,
  ATTR_SYSTEM_INSTRUCTIONS,
  ATTR_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_USAGE_CACHE_WRITE_INPUT_TOKENS,
  ATTR_USAGE_INPUT_TOKENS,
  ATTR_USAGE_OUTPUT_TOKENS,
  ATTR_USAGE_REASONING_OUTPUT_TOKENS,
} from './semconv';
import type { ServerAddress } from './server-address';
import type { GenAiTelemetry } from './telemetry';

/** How a stream ended (attribute `sprintlens.stream.outcome`). */
export type StreamOutcome = 'completed' | 'cancelled' | 'aborted' | 'error';

/**
 * One LLM call: its span, what was learned from the response, and the end that happens exactly
 * once whatever path the call takes (result, error, stream completion, cancellation, abort).
 * Adapters fill the public fields; {@link end} turns them into attributes, cost, metrics and the
 * usage ledger, all reached through the call's {@link GenAiTelemetry}.
 *
 * The call is also its own {@link TokenUsage} (providers write token counts straight into it),
 * and it copies what it needs from the {@link LlmRequest} rather than keeping the object: an
 * LLM call lives long enough for what it holds to reach the old generation, so each object
 * fewer per call is one the garbage collector never has to promote.
 */
export class GenAiCall implements TokenUsage {
  readonly span: Span;
  /** Context with the span active, for the SDK's own request. */
  readonly context: Context;
  readonly operation: string;
  readonly provider: string;
  readonly requestModel: string | undefined;
  /** Set at the start, or once when a pending server settles (see `LlmRequest.serverPending`). */
  serverAddress: string | undefined;
  serverPort: number | undefined;
  /** The name the call is priced under, when it is not the model's (see `LlmRequest.priceModel`). */
  readonly priceModel: string | undefined;
  responseId: string | undefined = undefined;
  responseModel: string | undefined = undefined;
  finishReasons: string[] | undefined = undefined;
  /** Token counts ({@link TokenUsage}); input counts include cached tokens. */
  inputTokens: number | undefined = undefined;
  outputTokens: number | undefined = undefined;
  cacheReadTokens: number | undefined = undefined;
  cacheWriteTokens: number | undefined = undefined;
  /**
   * The reasoning (thinking) share of `outputTokens`, when the provider reports it apart
   * (`gen_ai.usage.reasoning.output_tokens`); informational, never priced twice.
   */
  reasoningOutputTokens: number | undefined = undefined;
  /** Content (set only when capture is on); JSON strings, already redacted and truncated. */
  inputMessages: string | undefined = undefined;
  outputMessages: string | undefined = undefined;
  systemInstructions: string | undefined = undefined;
  /** Streaming bookkeeping. */
  chunks = 0;
  firstChunkAt = 0;
  streamed = false;
  /** Stream reads in flight (an abort during one is settled by the read's own outcome). */
  pendingReads = 0;
  /**
   * Set by a provider that saw the server report a failure in-band (an `error` event some SDK
   * versions yield as an ordinary item): the span then ends as failed with this `error.type`.
   */
  errorType: string | undefined = undefined;
  /** Cleanup run once when the span ends (e.g. removing an abort listener). */
  onEnd: (() => void) | undefined = undefined;
  /**
   * The SDK was sent an adapter's rewrite of the caller's request (see `LlmAdapter.rewrite`):
   * what the rewrite added must be hidden from the caller.
   */
  rewritten = false;
  /** The request's abort signal, when the adapter knows it (see `LlmAdapter.abortSignal`). */
  abortSignal: AbortSignal | undefined = undefined;
  /** Tracer, metrics, prices, content capture and usage ledger this call records with. */
  readonly telemetry: GenAiTelemetry;
  /**
   * The allowlisted context attributes (`metricAttributes`) of the context the call was made
   * in, for its metric points; read at the call, not at its end (a stream may end elsewhere).
   */
  readonly metricContext: Attributes | undefined;

  private ended = false;
  private readonly startedAt: number;

  constructor(telemetry: GenAiTelemetry, start: LlmRequest) {
    this.telemetry = telemetry;
    this.operation = start.operation;
    this.provider = start.provider;
    this.requestModel = start.requestModel;
    this.serverAddress = start.serverAddress;
    this.serverPort = start.serverPort;
    this.priceModel = start.priceModel;
    // The attributes the conventions name for sampling go in at creation, in one shape (the SDK
    // validates creation attributes twice, so request parameters are set afterwards, once).
    const attributes: Attributes = {
      [ATTR_OPERATION_NAME]: start.operation,
      [ATTR_PROVIDER_NAME]: start.provider,
      [ATTR_REQUEST_MODEL]: start.requestModel,
      [ATTR_SERVER_ADDRESS]: start.serverAddress,
      [ATTR_SERVER_PORT]: start.serverPort,
    };
    const name =
      start.requestModel === undefined
        ? start.operation
        : `${start.operation} ${start.requestModel}`;
    const parent = context.active();
    // A framework model run around this call (LangChain) leaves usage and cost to this span.
    noteProviderCall(parent);
    const metricKeys = telemetry.metricAttributes;
    this.metricContext = metricKeys === undefined ? undefined : pickAttributes(parent, metricKeys);
    this.span = telemetry.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
    this.span.setAttributes(start.attributes);
    this.context = trace.setSpan(parent, this.span);
    this.startedAt = performance.now();
    if (start.serverPending !== undefined && start.serverAddress === undefined) {
      start.serverPending.then(
        (server) => this.setServer(server),
        () => undefined,
      );
    }
  }

  /** Records a server learned after the start (nothing once ended or already known). */
  private setServer(server: ServerAddress): void {
    if (this.ended || this.serverAddress !== undefined || server.serverAddress === undefined) {
      return;
    }
    this.serverAddress = server.serverAddress;
    this.serverPort = server.serverPort;
    this.span.setAttribute(ATTR_SERVER_ADDRESS, server.serverAddress);
    setDefined(this.span, ATTR_SERVER_PORT, server.serverPort);
  }

  /** True once the span has ended. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Notes one streamed chunk delivered to the caller (time to first token on the first). */
  chunk(): void {
    if (this.chunks++ === 0) this.firstChunkAt = performance.now();
  }

  /** Ends successfully (or, for streams, with the given outcome). Later calls do nothing. */
  end(outcome?: StreamOutcome): void {
    if (this.ended) return;
    if (this.errorType !== undefined) {
      this.fail(undefined, outcome === 'completed' ? 'error' : outcome);
      return;
    }
    this.ended = true;
    try {
      this.onEnd?.();
      this.finish(undefined, outcome);
    } catch (error) {
      reportInternal('ending a span', error);
    }
    this.span.end();
  }

  /** Ends with an error: `error.type` and status ERROR. Later calls do nothing. */
  fail(error: unknown, outcome?: StreamOutcome): void {
    if (this.ended) return;
    this.ended = true;
    try {
      this.onEnd?.();
      const errorType =
        error === undefined && this.errorType !== undefined ? this.errorType : errorTypeOf(error);
      this.span.setAttribute(ATTR_ERROR_TYPE, errorType);
      const status = statusOf(error);
      if (status !== undefined) this.span.setAttribute(ATTR_HTTP_STATUS_CODE, status);
      // The error's message may quote the request: only its type goes on the span.
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
      this.finish(errorType, outcome);
    } catch (internal) {
      reportInternal('ending a failed span', internal);
    }
    this.span.end();
  }

  private finish(errorType: string | undefined, outcome: StreamOutcome | undefined): void {
    const span = this.span;
    const durationSeconds = (performance.now() - this.startedAt) / 1000;
    setDefined(span, ATTR_RESPONSE_ID, this.responseId);
    setDefined(span, ATTR_RESPONSE_MODEL, this.responseModel);
    if (this.finishReasons !== undefined && this.finishReasons.length > 0) {
      span.setAttribute(ATTR_RESPONSE_FINISH_REASONS, this.finishReasons);
    }
    setDefined(span, ATTR_USAGE_INPUT_TOKENS, this.inputTokens);
    setDefined(span, ATTR_USAGE_OUTPUT_TOKENS, this.outputTokens);
    setDefined(span, ATTR_USAGE_CACHE_READ_INPUT_TOKENS, this.cacheReadTokens);
    setDefined(span, ATTR_USAGE_CACHE_WRITE_INPUT_TOKENS, this.cacheWriteTokens);
    setDefined(span, ATTR_USAGE_REASONING_OUTPUT_TOKENS, this.reasoningOutputTokens);
    // Bill the model the server says it ran; fall back to the requested name.
    const cost = this.telemetry.prices.cost(
      this.priceModel ?? this.responseModel ?? this.requestModel,
      this,
    );
    setDefined(span, ATTR_COST_USD, cost);
    if (this.streamed) {
      span.setAttribute(ATTR_STREAM_CHUNKS, this.chunks);
      if (this.chunks > 0) {
        span.setAttribute(
          ATTR_STREAM_TIME_TO_FIRST_TOKEN,
          (this.firstChunkAt - this.startedAt) / 1000,
        );
      }
      setDefined(span, ATTR_STREAM_OUTCOME, outcome);
    }
    if (this.telemetry.content !== undefined) {
      setDefined(span, ATTR_INPUT_MESSAGES, this.inputMessages);
      setDefined(span, ATTR_SYSTEM_INSTRUCTIONS, this.systemInstructions);
      setDefined(span, ATTR_OUTPUT_MESSAGES, this.outputMessages);
    }
    // For evaluations: the response's span, found again by its id (recordEvaluation), and
    // the tokens and cost of the experiment item run this call was made beneath.
    if (this.responseId !== undefined) rememberResponseSpan(this.responseId, span.spanContext());
    usageTallyOf(this.context)?.add(this.inputTokens, this.outputTokens, cost);
    // Plain additions, read at scrape time (see usage-metrics.ts).
    this.telemetry.usage?.add(
      this.provider,
      this.operation,
      this.requestModel ?? this.responseModel,
      errorType,
      this,
      cost,
    );
    this.telemetry.metrics?.record(this, errorType, durationSeconds);
  }
}

/** Sets `key` when there is a value (the SDK would drop `undefined`, after a lookup). */
function setDefined(span: Span, key: string, value: string | number | undefined): void {
  if (value !== undefined) span.setAttribute(key, value);
}

/**
 * The HTTP status of a failed call: `status` (Stainless SDKs, `@google/genai`) or
 * `$metadata.httpStatusCode` (AWS SDK v3 service exceptions).
 */
function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, $metadata } = error as {
    status?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  if (typeof status === 'number') return status;
  const code = $metadata?.httpStatusCode;
  return typeof code === 'number' ? code : undefined;
}

/** `error.type`: the error's class name (`RateLimitError`, `APIConnectionError`, …). */
function errorTypeOf(error: unknown): string {
  if (error instanceof Error) {
    const name = error.constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Error' ? name : error.name;
  }
  return '_OTHER';
}
