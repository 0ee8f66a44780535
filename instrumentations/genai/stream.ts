/**
 * Stream observation, in place: the caller keeps the very object the SDK returned (a Stainless
 * `Stream`, an async generator, any async iterable), and the call's span ends exactly once
 * whichever way the stream ends.
 */
import type { ChunkObserver } from './adapter';
import type { GenAiCall, StreamOutcome } from './call';
import { reportInternal } from './safe';

export type { ChunkObserver } from './adapter';

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
    observer.onEnd(outcome);
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
  watchAbort(signal, call, observer);
  const original = stream.iterator;
  stream.iterator = function iterator(this: unknown, ...args: unknown[]): AsyncIterator<T> {
    return observeIterator(original.apply(this, args), call, observer, signal);
  };
}

/** Ends the stream's call as `aborted` when `signal` aborts while no read is pending. */
function watchAbort<T>(
  signal: AbortSignal | undefined,
  call: GenAiCall,
  observer: ChunkObserver<T>,
): void {
  if (signal === undefined || signal.aborted) return;
  // While a read is pending, its outcome decides: SDKs abort their controller while cleaning
  // up after a failure too, and the failure is what the span must show.
  const onAbort = (): void => {
    if (call.pendingReads === 0) finishStream(call, observer, undefined, 'aborted');
  };
  signal.addEventListener('abort', onAbort, { once: true });
  call.onEnd = () => signal.removeEventListener('abort', onAbort);
}

/** Abort errors of fetch (`AbortError`) and of Stainless SDKs (`APIUserAbortError`). */
function isAbortError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const name = (error as { name?: unknown }).name;
  return name === 'AbortError' || error.constructor?.name === 'APIUserAbortError';
}

/** An async iterator that is its own iterable (an async generator, or an SDK's own class). */
interface AsyncIteratorObject<T> extends AsyncIterator<T> {
  [Symbol.asyncIterator](): unknown;
}

/** Whether `value` can be iterated with `for await` (generators, SDK event streams). */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/**
 * Observes the chunks of any stream in place: a Stainless `Stream` through its `iterator`
 * ({@link observeStream}); an async generator or iterator through its own `next`, `return` and
 * `throw` (so a caller calling `next()` directly is seen too); any other async iterable through
 * its `Symbol.asyncIterator`. The wrappers are own properties of the caller's object; one that
 * cannot take them (frozen), or is no stream after all, is left alone and the call ends at once.
 * For the latter two, the request's `call.abortSignal` plays the Stainless controller's part.
 */
export function observeChunks<T>(
  target: unknown,
  call: GenAiCall,
  observer: ChunkObserver<T>,
): void {
  if (isStainlessStream(target)) {
    observeStream(target as StainlessStream<T>, call, observer);
    return;
  }
  if (!isAsyncIterable(target)) {
    call.end();
    return;
  }
  const signal = call.abortSignal;
  try {
    const holder = target as unknown as AsyncIteratorObject<T>;
    if (typeof holder.next === 'function') {
      // Its own iterator (`[Symbol.asyncIterator]()` returns itself): wrap the methods.
      const next = holder.next;
      const ret = holder.return;
      const thr = holder.throw;
      const inner: AsyncIterator<T> = {
        // observeIterator passes a value on only when there is one (no rest array per chunk).
        next: (value?: unknown) =>
          value === undefined ? next.call(holder) : next.call(holder, value),
        return:
          typeof ret === 'function' ? (value?: unknown) => ret.call(holder, value) : undefined,
        throw: typeof thr === 'function' ? (error?: unknown) => thr.call(holder, error) : undefined,
      };
      const observed = observeIterator(inner, call, observer, signal);
      holder.next = observed.next;
      holder.return = observed.return;
      holder.throw = observed.throw;
    } else {
      const original = holder[Symbol.asyncIterator];
      Object.defineProperty(holder, Symbol.asyncIterator, {
        configurable: true,
        writable: true,
        value: function asyncIterator(this: unknown): AsyncIterator<T> {
          return observeIterator(original.call(this) as AsyncIterator<T>, call, observer, signal);
        },
      });
    }
    call.streamed = true;
    watchAbort(signal, call, observer);
  } catch (internal) {
    reportInternal('observing a stream', internal);
    call.end();
  }
}
