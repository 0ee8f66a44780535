/**
 * How a streaming AI SDK call (`streamText`, `streamObject`) ends when the app stops reading.
 *
 * The SDK reports nothing then: `streamText` hands every stream it gives out (`textStream`,
 * `fullStream`, `toUIMessageStreamResponse()`, …) from a tee of one source, and a cancelled branch
 * leaves the source waiting for the other branch forever (no telemetry event, no end of its own
 * spans in `ai` 5/6, no `onEnd`/`onAbort` in `ai` 7). `ai` 5/6 also leave their spans open when
 * the server cuts a stream. So the streams the app reads are observed here, and the call ends:
 * - as `cancelled` once every stream the app took has been cancelled, and none is taken by the
 *   end of that turn of the event loop (the SDK's promise getters — `text`, `totalUsage` — take
 *   a new one to read the rest, and the call then goes on);
 * - as failed when a stream errors (a cut connection).
 * A complete stream ends nothing: the SDK's own end does.
 */
import { reportInternal } from '../genai/safe';

/** The call a watch ends (the operation of a streaming AI SDK call). */
export interface WatchedCall {
  /** Parts of its streams the app read. */
  addChunks(count: number): void;
  /** The app abandoned every stream of the call. */
  cancel(): void;
  /** A stream of the call failed (the SDK's own error, as the app got it). */
  failStream(error: unknown): void;
}

/** A `streamText` result as far as the watch uses it: `teeStream` splits off each stream. */
interface StreamTextResult {
  teeStream?: (this: unknown, ...args: unknown[]) => unknown;
}

/** A `streamObject` result: one `baseStream` every accessor pipes from (one consumer). */
interface StreamObjectResult {
  baseStream?: unknown;
}

/**
 * The streams of one streaming call: counts the open ones and the parts read, and ends the call
 * (once it is known, see {@link attach}) when the app abandons them or one fails.
 */
export class StreamWatch {
  private call: WatchedCall | undefined = undefined;
  private open = 0;
  private chunks = 0;
  /** What happened before the call was known (the SDK reports its start asynchronously). */
  private pending: { readonly error: unknown } | 'cancelled' | undefined = undefined;
  private checkScheduled = false;

  /** `signal`: the call's `abortSignal`, when it has one. */
  constructor(private readonly signal?: AbortSignal) {}

  /** The call's own abort signal fired (`ai` 5/6 may end the call's span without saying so). */
  get aborted(): boolean {
    return this.signal?.aborted === true;
  }

  /** The call the streams belong to, once its telemetry starts. */
  attach(call: WatchedCall): void {
    if (this.call !== undefined) return;
    this.call = call;
    call.addChunks(this.chunks);
    const pending = this.pending;
    this.pending = undefined;
    if (pending === 'cancelled') call.cancel();
    else if (pending !== undefined) call.failStream(pending.error);
  }

  /**
   * Observes the streams of a `streamText` (through `teeStream`) or `streamObject` (its
   * `baseStream`) result in place; a result of another shape is left alone.
   */
  install(result: unknown): void {
    if (typeof result !== 'object' || result === null) return;
    try {
      const text = result as StreamTextResult;
      const tee = text.teeStream;
      if (typeof tee === 'function') {
        const observe = (stream: unknown): unknown => this.observe(stream);
        // An own property shadows the prototype's method for this result only.
        text.teeStream = function teeStream(this: unknown, ...args: unknown[]): unknown {
          return observe(tee.apply(this, args));
        };
        return;
      }
      const object = result as StreamObjectResult;
      if (object.baseStream instanceof ReadableStream) {
        object.baseStream = this.observe(object.baseStream);
      }
    } catch (internal) {
      reportInternal('observing an AI SDK stream', internal);
    }
  }

  /** `stream` as a stream of the same parts that tells this watch how it is read. */
  observe(stream: unknown): unknown {
    if (!(stream instanceof ReadableStream)) return stream;
    const reader = (stream as ReadableStream<unknown>).getReader();
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      this.open--;
    };
    this.open++;
    return new ReadableStream<unknown>(
      {
        pull: async (controller) => {
          let read: { done: boolean; value?: unknown };
          try {
            read = await reader.read();
          } catch (error) {
            close();
            this.failed(error);
            controller.error(error);
            return;
          }
          if (read.done) {
            close();
            controller.close();
            return;
          }
          this.chunk();
          controller.enqueue(read.value);
        },
        cancel: (reason) => {
          close();
          this.cancelled();
          return reader.cancel(reason);
        },
      },
      // Pull only when the app reads, as the SDK's own streams do.
      { highWaterMark: 0 },
    );
  }

  private chunk(): void {
    const call = this.call;
    if (call === undefined) this.chunks++;
    else call.addChunks(1);
  }

  private failed(error: unknown): void {
    const call = this.call;
    if (call === undefined) this.pending ??= { error };
    else call.failStream(error);
  }

  /** A stream was cancelled: the call is abandoned if no stream is left open by the next turn. */
  private cancelled(): void {
    if (this.open > 0 || this.checkScheduled) return;
    this.checkScheduled = true;
    setImmediate(() => {
      this.checkScheduled = false;
      if (this.open > 0) return;
      const call = this.call;
      if (call === undefined) this.pending ??= 'cancelled';
      else call.cancel();
    });
  }
}
