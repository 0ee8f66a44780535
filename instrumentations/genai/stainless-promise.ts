import type { GenAiCall } from './call';
import { reportInternal } from './safe';

/**
 * The parts of the `APIPromise` of Stainless-generated SDKs (openai, @anthropic-ai/sdk) that we
 * observe. We never replace the promise: the caller gets the SDK's own object, with
 * `.withResponse()`, `.asResponse()` and lazy parsing intact. Only its `parseResponse` field
 * (an own property holding the parse function) is wrapped, and `responsePromise` is watched.
 */
interface StainlessApiPromise {
  responsePromise: Promise<unknown>;
  parseResponse: (this: unknown, client: unknown, props: unknown) => unknown;
  _thenUnwrap?: (transform: (value: unknown, props: unknown) => unknown) => unknown;
}

/** Whether `value` has the APIPromise fields this module relies on. */
export function isStainlessApiPromise(value: unknown): value is StainlessApiPromise {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<StainlessApiPromise>;
  return typeof v.parseResponse === 'function' && v.responsePromise instanceof Promise;
}

/**
 * What receives the parsed result (an object or a stream). The call is passed along, so one
 * function made once per instrumented method serves every call (no closure per call).
 */
export type OnResult = (value: unknown, call: GenAiCall) => void;

/**
 * A call waiting for its response. A class rather than an object literal: V8 tracks object
 * literals per allocation site and, seeing these outlive a young-generation collection, starts
 * allocating them in the old generation, where everything they reference is then promoted too.
 * With the literal, `bench/llm-overhead.mjs` flipped between 13 and 25 µs per call from one
 * process to the next (`--no-allocation-site-pretenuring` made the slow runs fast again).
 */
class PendingCall {
  /** The SDK started parsing the body (so `asResponse()` callers do not end the span). */
  parsing = false;
  private delivered = false;

  constructor(
    readonly call: GenAiCall,
    private readonly onResult: OnResult,
  ) {}

  /** Hands the parsed result on, once; a throw of ours ends the call. */
  deliver(value: unknown): void {
    if (this.delivered) return;
    this.delivered = true;
    try {
      this.onResult(value, this.call);
    } catch (internal) {
      reportInternal('reading a response', internal);
      this.call.end();
    }
  }
}

/**
 * Ties `call` to `promise`: a failed request ends the span with the error; the parsed result
 * (object or stream) goes to `onResult`, which may decorate a stream in place (a throw is
 * reported and ends the call); a caller that only takes the raw response (`asResponse()`) gets
 * the span ended once the response is in (see {@link wrapAsResponse}).
 */
export function observeApiPromise(
  promise: StainlessApiPromise,
  call: GenAiCall,
  onResult: OnResult,
): void {
  const pending = new PendingCall(call, onResult);
  const original = promise.parseResponse;
  promise.parseResponse = function parseResponse(
    this: unknown,
    client: unknown,
    props: unknown,
  ): unknown {
    pending.parsing = true;
    let parsed: unknown;
    try {
      parsed = original.call(this, client, props);
    } catch (error) {
      call.fail(error);
      throw error;
    }
    // The SDK gets its own result back; we watch it on a side branch. That branch is the
    // first to see it (so a stream is decorated before the caller can read it) and adds no
    // step to the caller's chain. The SDK's parse functions are async; a sync one's value is
    // adopted into a promise first.
    const settled = parsed instanceof Promise ? parsed : Promise.resolve(parsed);
    settled.then(
      (value) => pending.deliver(value),
      (error: unknown) => call.fail(error),
    );
    return parsed;
  };
  // openai 7 gives each promise its own `_thenUnwrap`, which parses through a captured function
  // rather than `parseResponse`: helpers (`responses.stream()`, `parse()`) derive promises with
  // it, so the derived promise's parse result is observed through the transform instead.
  if (Object.hasOwn(promise, '_thenUnwrap') && typeof promise._thenUnwrap === 'function') {
    const thenUnwrap = promise._thenUnwrap;
    promise._thenUnwrap = function _thenUnwrap(
      this: unknown,
      transform: (value: unknown, props: unknown) => unknown,
    ): unknown {
      return thenUnwrap.call(this, (value: unknown, props: unknown) => {
        pending.parsing = true;
        pending.deliver(value);
        return transform(value, props);
      });
    };
  }
  (promise as StainlessApiPromise & Pending)[PENDING] = pending;
  // Watching the response promise marks its rejection handled; the caller's own chain (every
  // APIPromise method derives from it) still sees the rejection.
  promise.responsePromise.then(undefined, (error: unknown) => call.fail(error));
}

/**
 * The call of a promise handed to the caller, read only by the `asResponse` wrapper. Kept on the
 * promise under a private symbol (left out of `Object.keys`, `for…in` and JSON) by plain
 * assignment: a `WeakMap` entry, or `Object.defineProperty`, cost about 3–4 µs more per LLM
 * call in `bench/llm-hot-path-ab.mjs` (GC work on the weak map; a slow object shape).
 */
const PENDING: unique symbol = Symbol('sprintlens.genai.pendingCall');
interface Pending {
  [PENDING]?: PendingCall;
}

/**
 * Wraps `APIPromise.prototype.asResponse`: a caller that takes only the raw `Response` never
 * has the body parsed by the SDK, so the span ends once the response is in (`withResponse()`
 * parses first, so it is not affected).
 */
export function wrapAsResponse(
  original: (this: unknown) => Promise<unknown>,
): (this: unknown) => Promise<unknown> {
  return function asResponse(this: unknown): Promise<unknown> {
    const result = original.call(this);
    try {
      const entry =
        typeof this === 'object' && this !== null ? (this as Pending)[PENDING] : undefined;
      if (entry !== undefined) {
        result.then(
          () => {
            if (!entry.parsing) entry.call.end();
          },
          () => undefined,
        );
      }
    } catch (internal) {
      reportInternal('observing asResponse', internal);
    }
    return result;
  };
}
