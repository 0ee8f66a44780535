/**
 * The contract between the LLM call pipeline (pipeline.ts) and a provider.
 *
 * The pipeline owns everything every LLM call has in common: wrapping the SDK method, the span
 * and its exactly-once end, running the SDK call in the span's context, observing what the SDK
 * returns (a Stainless `APIPromise`, a plain `Promise` or a value), telling a stream from a
 * complete result, observing a stream in place, cost, the `gen_ai.client.*` metrics and the usage
 * ledger. A provider is an {@link LlmAdapter} per SDK method: it says what the request is, reads
 * a result, and observes stream chunks. It never starts or ends a span, never touches a promise
 * and never wraps an iterator.
 */
import type { Attributes } from '@opentelemetry/api';
import type { GenAiCall, StreamOutcome } from './call';
import type { ContentCapture } from './content';
import type { ServerAddress } from './server-address';

/** What an adapter knows about a call before it is sent: the span's name and attributes. */
export interface LlmRequest {
  /** `gen_ai.operation.name`: `chat`, `embeddings`, `text_completion`, … */
  readonly operation: string;
  /** `gen_ai.provider.name`: `openai`, `azure.ai.openai`, `anthropic`, `aws.bedrock`, … */
  readonly provider: string;
  /** `gen_ai.request.model`, when the request names one. */
  readonly requestModel: string | undefined;
  /** The other request attributes (`gen_ai.request.*`, `gen_ai.output.type`, …). */
  readonly attributes: Attributes;
  /** `server.address` / `server.port` of the client, when known. */
  readonly serverAddress?: string | undefined;
  readonly serverPort?: number | undefined;
  /**
   * The server, when the SDK only knows it asynchronously (Bedrock resolves its endpoint from
   * async providers): recorded on the span and the call's metrics when it settles, if the call
   * has not ended. Ignored when `serverAddress` is given.
   */
  readonly serverPending?: PromiseLike<ServerAddress> | undefined;
  /**
   * The name the call is priced under, when the provider's model names are no price-table names
   * (Bedrock's `us.anthropic.claude-…-v1:0`, ARNs); default: the response model, else the
   * request model.
   */
  readonly priceModel?: string | undefined;
}

/** What an adapter does with each streamed chunk (one observer per stream). */
export interface ChunkObserver<T> {
  /**
   * Called for every item the SDK yields, before the caller sees it. Returns `true` to hide the
   * item from the caller (only ever something a {@link LlmAdapter.rewrite} asked for, such as
   * OpenAI's usage-only chunk). Must not throw; a throw is caught and reported.
   */
  onChunk(chunk: T): boolean;
  /**
   * Called once, before the span ends, to turn what was accumulated into call fields. `outcome`
   * says how the stream ended: a stream the SDK ends quietly may still lack its last events
   * (Bedrock's event streams end without an error when the connection drops between two
   * events), which the observer may report by setting `call.errorType`.
   */
  onEnd(outcome: StreamOutcome): void;
}

/**
 * One instrumented SDK method, as the pipeline sees it. Hooks are called as methods of the
 * adapter; none may change what the caller gets (a throw of theirs is caught, reported as
 * `SL_GENAI_INSTRUMENTATION_FAILED`, and the call goes on uninstrumented or ends its span).
 *
 * What the SDK returns decides how the result is observed, with no hook needed:
 * - a Stainless `APIPromise` (openai, @anthropic-ai/sdk): through its parse step, adding no step
 *   to the caller's chain, `asResponse()` included;
 * - a plain `Promise` (an `async` method: @google/genai, Bedrock's `client.send`): the caller
 *   gets a promise of the same value, read (and a stream decorated) before it settles;
 * - another kind of thenable (an SDK promise the pipeline does not know): never touched, since
 *   reading it could start work the caller did not ask for; the call ends at once;
 * - anything else: read at once.
 *
 * A result is a stream when {@link chunksOf} finds one: a Stainless `Stream` (observed in place
 * through its `iterator`, with its controller's abort), an async generator or iterator (its
 * `next`/`return`/`throw`, in place), or any async iterable (its `Symbol.asyncIterator`, in
 * place) — returned as the value (`generateContentStream`) or held in a field of it (Bedrock's
 * `output.stream`, `output.body`). The caller keeps the very same objects.
 */
export interface LlmAdapter {
  /**
   * Describes the call about to be sent, from the method's receiver (`this`, e.g. an SDK resource
   * whose `_client` holds the base URL) and arguments; `undefined` leaves this call alone (an
   * argument the adapter does not understand, a command that is no model call).
   */
  request(self: unknown, args: readonly unknown[]): LlmRequest | undefined;

  /**
   * Records the request's content on the call (`inputMessages`, `systemInstructions`), through
   * `content`, which redacts and truncates. Called only when content capture is on.
   */
  captureInput?(call: GenAiCall, args: readonly unknown[], content: ContentCapture): void;

  /**
   * The arguments to send instead of the caller's, or `undefined` to send them as they are. A
   * rewrite copies what it changes (the caller's objects are theirs). When it rewrites,
   * `call.rewritten` is `true`, so the chunk observer knows to hide what the rewrite added.
   */
  rewrite?(args: readonly unknown[], call: GenAiCall): unknown[] | undefined;

  /**
   * The request's own abort signal (`@google/genai`'s `config.abortSignal`, Bedrock's
   * `send(command, { abortSignal })`), for streams that are no Stainless `Stream` (whose
   * controller is watched anyway): an abort then ends the span as `aborted` even if nobody reads
   * the stream again.
   */
  abortSignal?(args: readonly unknown[]): AbortSignal | undefined;

  /**
   * Runs the SDK call (`run`), already inside the span's context; by default `run()`. For what
   * must hold only while the SDK starts its request (Anthropic hides the SDK's own tracer).
   */
  send?(self: unknown, run: () => unknown): unknown;

  /**
   * Where the chunks of a result are when it is a stream (the result itself, or one of its
   * fields, such as Bedrock's `output.stream`), or `undefined` when it is a complete result.
   * By default the result itself when it is a Stainless `Stream` or an async iterable. Only
   * asked when the adapter has {@link observeChunks}.
   */
  chunksOf?(result: unknown, call: GenAiCall): unknown;

  /**
   * Reads a complete result into the call's fields (`responseId`, `responseModel`,
   * `finishReasons`, token counts, `outputMessages` when `content` is given). The pipeline ends
   * the call afterwards.
   */
  readResult(call: GenAiCall, result: unknown, content: ContentCapture | undefined): void;

  /** A new observer for one stream of this method's chunks; absent: the method never streams. */
  observeChunks?(call: GenAiCall, content: ContentCapture | undefined): ChunkObserver<unknown>;
}
