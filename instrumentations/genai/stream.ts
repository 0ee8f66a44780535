import type { GenAiCall, StreamOutcome } from './call';
import { reportInternal } from './safe';

/** What a provider does with each streamed item. */
export interface ChunkObserver<T> {
  /**
   * Called for every item the SDK yields. Returns `true` to hide the item from the caller (the
   * usage-only chunk we asked for). Must not throw; a throw is caught and reported.
   */
  onChunk(chunk: T): boolean;
  /** Called once before the span ends, to turn accumulated state into call fields. */
  onEnd(): void;
}

/**
 * Wraps an async iterator so the call's span ends exactly once, on every path: completion,
 * the consumer leaving early (`break`/`return` → `return()`), an error from the SDK (server
 * error event, dropped connection), or an abort (the SDK then ends the iteration quietly, or
 * the caller never iterates again: `signal` covers both). Items pass through unchanged.
 */
function observeIterator<T>(
  inner: AsyncIterator<T>,
  call: GenAiCall,
  observer: ChunkObserver<T>,
  signal: AbortSignal | undefined,
): AsyncIterator<T> & AsyncIterable<T> {
  const finish = (error: unknown, outcome: StreamOutcome): void =>
    finishStream(call, observer, error, outcome);

  const onResult = (result: IteratorResult<T>): IteratorResult<T> | Promise<IteratorResult<T>> => {
    call.pendingReads--;
    if (result.done === true) {
      finish(undefined, signal?.aborted === true ? 'aborted' : 'completed');
      return result;
    }
    if (!call.isEnded) {
      let hide = false;
      try {
        hide = observer.onChunk(result.value);
      } catch (internal) {
        reportInternal('reading a stream chunk', internal);
      }
      if (hide) return iterator.next();
      call.chunk();
    }
    return result;
  };
  const onError = (error: unknown): never => {
    call.pendingReads--;
    finish(error, isAbortError(error) ? 'aborted' : 'error');
    throw error;
  };

  const iterator = {
    // Called once per chunk: no rest array. `next(undefined)` and `next()` mean the same to an
    // iterator, so a value is passed on only when there is one.
    next(value?: unknown): Promise<IteratorResult<T>> {
      call.pendingReads++;
      const read = value === undefined ? inner.next() : inner.next(value);
      return read.then(onResult, onError);
    },
    return(value?: unknown): Promise<IteratorResult<T>> {
      finish(undefined, 'cancelled');
      if (typeof inner.return === 'function') return inner.return(value);
      return Promise.resolve({ done: true, value: value as T });
    },
    throw(error?: unknown): Promise<IteratorResult<T>> {
      finish(error, 'error');
      if (typeof inner.throw === 'function') return inner.throw(error);
      return Promise.reject(error as Error);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

function finishStream<T>(
  call: GenAiCall,
  observer: ChunkObserver<T>,
  error: unknown,
  outcome: StreamOutcome,
): void {
  if (call.isEnded) return;
  try {
    observer.onEnd();
  } catch (internal) {
    reportInternal('closing a stream', internal);
  }
  if (outcome === 'error') call.fail(error, outcome);
  else call.end(outcome);
}

/** The shape of a Stainless SDK `Stream`: an own `iterator` factory and the request's controller. */
interface StainlessStream<T> {
  iterator: (...args: unknown[]) => AsyncIterator<T>;
  controller?: { signal?: AbortSignal };
}

/** Whether `value` looks like a Stainless SDK `Stream` we can observe. */
export function isStainlessStream(value: unknown): value is StainlessStream<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { iterator?: unknown }).iterator === 'function'
  );
}

/**
 * Observes a Stainless `Stream` in place: the caller keeps the very same object (`controller`,
 * `tee()`, `toReadableStream()` all go through its `iterator` field, which is what we wrap).
 * An abort of the request's controller ends the span even if the caller never iterates again.
 */
export function observeStream<T>(
  stream: StainlessStream<T>,
  call: GenAiCall,
  observer: ChunkObserver<T>,
): void {
  call.streamed = true;
  const signal = stream.controller?.signal;
  if (signal !== undefined && !signal.aborted) {
    // While a read is pending, its outcome decides: SDKs abort their controller while cleaning
    // up after a failure too, and the failure is what the span must show.
    const onAbort = (): void => {
      if (call.pendingReads === 0) finishStream(call, observer, undefined, 'aborted');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    call.onEnd = () => signal.removeEventListener('abort', onAbort);
  }
  const original = stream.iterator;
  stream.iterator = function iterator(this: unknown, ...args: unknown[]): AsyncIterator<T> {
    return observeIterator(original.apply(this, args), call, observer, signal);
  };
}

/** Abort errors of fetch (`AbortError`) and of Stainless SDKs (`APIUserAbortError`). */
function isAbortError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const name = (error as { name?: unknown }).name;
  return name === 'AbortError' || error.constructor?.name === 'APIUserAbortError';
}
