/**
 * The LLM call pipeline: the one wrapper every instrumented SDK method gets, whatever the
 * provider. It asks the method's {@link LlmAdapter} what the request is, starts the call (span,
 * clock) with it, sends the SDK call in the span's context, observes what the SDK returns,
 * tells a stream from a complete result, observes the stream in place, and ends the call, which
 * records cost, metrics and usage (call.ts). See adapter.ts for what a provider supplies.
 */
import { context } from '@opentelemetry/api';
import { isThenable } from '../../src/base/thenable';
import type { ChunkObserver, LlmAdapter, LlmRequest } from './adapter';
import { GenAiCall } from './call';
import type { ContentCapture } from './content';
import { reportInternal } from './safe';
import { isStainlessApiPromise, observeApiPromise } from './stainless-promise';
import type { OnResult } from './stainless-promise';
import { isAsyncIterable, isStainlessStream, observeChunks } from './stream';
import type { GenAiTelemetry } from './telemetry';

/** An SDK method as the pipeline wraps it. */
export type LlmMethod = (this: unknown, ...args: unknown[]) => unknown;

/**
 * An adapter with every hook in one place and one object shape, whatever the adapter object
 * looks like: the pipeline's property reads stay monomorphic across providers and methods.
 */
class Adapter {
  readonly request: (self: unknown, args: readonly unknown[]) => LlmRequest | undefined;
  readonly captureInput:
    ((call: GenAiCall, args: readonly unknown[], content: ContentCapture) => void) | undefined;
  readonly rewrite:
    ((args: readonly unknown[], call: GenAiCall) => unknown[] | undefined) | undefined;
  readonly abortSignal: ((args: readonly unknown[]) => AbortSignal | undefined) | undefined;
  readonly send: ((self: unknown, run: () => unknown) => unknown) | undefined;
  readonly chunksOf: ((result: unknown, call: GenAiCall) => unknown) | undefined;
  readonly readResult: (
    call: GenAiCall,
    result: unknown,
    content: ContentCapture | undefined,
  ) => void;
  readonly observeChunks:
    ((call: GenAiCall, content: ContentCapture | undefined) => ChunkObserver<unknown>) | undefined;
  /** Receives the result of every call of the method (made once, not per call). */
  readonly onResult: OnResult;

  constructor(adapter: LlmAdapter) {
    this.request = adapter.request.bind(adapter);
    this.captureInput = adapter.captureInput?.bind(adapter);
    this.rewrite = adapter.rewrite?.bind(adapter);
    this.abortSignal = adapter.abortSignal?.bind(adapter);
    this.send = adapter.send?.bind(adapter);
    this.chunksOf = adapter.chunksOf?.bind(adapter);
    this.readResult = adapter.readResult.bind(adapter);
    this.observeChunks = adapter.observeChunks?.bind(adapter);
    this.onResult = (value, call) => this.result(call, value);
  }

  /**
   * Reads a result: a stream is observed in place (its end ends the call), anything else is
   * read and the call ended. A throw of the adapter is reported and ends the call.
   */
  result(call: GenAiCall, value: unknown): void {
    try {
      const content = call.telemetry.content;
      if (this.observeChunks !== undefined) {
        const chunks = this.chunksOf === undefined ? streamOf(value) : this.chunksOf(value, call);
        if (chunks !== undefined) {
          observeChunks(chunks, call, this.observeChunks(call, content));
          return;
        }
      }
      this.readResult(call, value, content);
    } catch (internal) {
      reportInternal('reading a response', internal);
    }
    call.end();
  }
}

/** By default a result is a stream when it is a Stainless `Stream` or an async iterable. */
function streamOf(value: unknown): unknown {
  return isStainlessStream(value) || isAsyncIterable(value) ? value : undefined;
}

/**
 * The wrapper of an SDK method (for `shimmer`/`InstrumentationBase._wrap`, on a prototype or on
 * one instance, a bound or arrow function alike): `telemetry` is read on every call, so a new
 * config or provider applies to the next call. The caller gets what the SDK returns (the same
 * `APIPromise`, `Stream`, generator; for a plain `Promise`, a promise of the same value) and the
 * same errors; anything of ours that fails is reported and the call proceeds uninstrumented.
 */
export function wrapLlmMethod(
  llmAdapter: LlmAdapter,
  telemetry: () => GenAiTelemetry,
): (original: LlmMethod) => LlmMethod {
  const adapter = new Adapter(llmAdapter);
  return (original) =>
    function llmCall(this: unknown, ...received: unknown[]): unknown {
      let call: GenAiCall | undefined;
      let args = received;
      try {
        const request = adapter.request(this, received);
        if (request !== undefined) {
          const current = telemetry();
          call = new GenAiCall(current, request);
          if (current.content !== undefined && adapter.captureInput !== undefined) {
            adapter.captureInput(call, received, current.content);
          }
          if (adapter.rewrite !== undefined) {
            const rewritten = adapter.rewrite(received, call);
            if (rewritten !== undefined) {
              args = rewritten;
              call.rewritten = true;
            }
          }
          if (adapter.abortSignal !== undefined) call.abortSignal = adapter.abortSignal(received);
        }
      } catch (error) {
        reportInternal('starting a span', error);
        call?.end();
        call = undefined;
        args = received;
      }
      if (call === undefined) return original.apply(this, args);

      const active = call;
      const send = adapter.send;
      let result: unknown;
      try {
        result = context.with(
          active.context,
          send === undefined
            ? () => original.apply(this, args)
            : () => send(this, () => original.apply(this, args)),
        );
      } catch (error) {
        // A synchronous throw fails the call and reaches the caller unchanged.
        active.fail(error);
        throw error;
      }
      return observeResult(result, active, adapter);
    };
}

/**
 * Ties what the SDK returned to the call: an `APIPromise` hands its parsed result over without
 * adding a step to the caller's chain; a plain promise is followed (the caller gets a promise of
 * the same value or error, so a rejection it leaves unhandled is still reported as one); any
 * other value is read now. A thenable of any other kind (an SDK promise we do not know) is not
 * touched, since reading it could start work the caller did not ask for: the call ends now.
 */
function observeResult(result: unknown, call: GenAiCall, adapter: Adapter): unknown {
  try {
    if (isStainlessApiPromise(result)) {
      observeApiPromise(result, call, adapter.onResult);
      return result;
    }
    if (result instanceof Promise) {
      if (Object.getPrototypeOf(result) === Promise.prototype) {
        return result.then(
          (value: unknown) => {
            adapter.result(call, value);
            return value;
          },
          (error: unknown) => {
            call.fail(error);
            throw error;
          },
        );
      }
      call.end();
      return result;
    }
    if (isThenable(result)) {
      call.end();
      return result;
    }
    adapter.result(call, result);
  } catch (error) {
    reportInternal('observing a response', error);
    call.end();
  }
  return result;
}
