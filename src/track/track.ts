import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { createRedactor } from '../redaction';
import { VERSION } from '../base/version';
import { safeStringify } from '../base/text';
import { isThenable } from '../base/thenable';

/** Options of {@link track}. */
export interface TrackOptions {
  /** Span name. Default: the function's name (`anonymous` when it has none). */
  readonly name?: string;
  /** Record the arguments as `sprintlens.track.input` (JSON, truncated, redacted). */
  readonly captureInput?: boolean;
  /** Record the result as `sprintlens.track.output` (JSON, truncated, redacted). */
  readonly captureOutput?: boolean;
  /** Attributes set on every span. */
  readonly attributes?: Attributes;
  /** Cut captured JSON at this many characters. Default 8192. */
  readonly maxCaptureLength?: number;
}

/** Attribute names of captured values. */
export const TRACK_INPUT_ATTRIBUTE = 'sprintlens.track.input';
export const TRACK_OUTPUT_ATTRIBUTE = 'sprintlens.track.output';

const DEFAULT_MAX_CAPTURE = 8192;
const tracer = trace.getTracer('sprintlens', VERSION);
let redact: ((text: string) => string) | undefined;

type AnyFunction<This, Args extends unknown[], Result> = (this: This, ...args: Args) => Result;

/**
 * Wraps `fn` so that every call runs in a span, and returns the wrapper (same `this`, same
 * arguments, same return value, same errors). Spans of LLM calls made inside nest under it.
 *
 * - sync functions: the span ends when the function returns or throws;
 * - async functions: when the promise settles;
 * - async generators: when the generator finishes, is returned from early, or throws.
 *
 * Input and output are captured only when asked, serialised safely (circular references,
 * BigInt, huge values) and passed through redaction.
 *
 * ```ts
 * const answer = track(async function answer(q: string) { … }, { captureInput: true });
 * ```
 */
export function track<This, Args extends unknown[], Result>(
  fn: AnyFunction<This, Args, Result>,
  options?: TrackOptions,
): AnyFunction<This, Args, Result>;
/**
 * The same as a TypeScript 5 standard method decorator:
 *
 * ```ts
 * class Agent { @track({ name: 'plan' }) async plan() { … } }
 * ```
 */
export function track(
  options?: TrackOptions,
): <This, Args extends unknown[], Result>(
  method: AnyFunction<This, Args, Result>,
  context: ClassMethodDecoratorContext<This, AnyFunction<This, Args, Result>>,
) => AnyFunction<This, Args, Result>;
export function track(
  fnOrOptions?: AnyFunction<unknown, unknown[], unknown> | TrackOptions,
  maybeOptions?: TrackOptions | ClassMethodDecoratorContext,
): unknown {
  if (typeof fnOrOptions === 'function') {
    // `@track` used without parentheses hands us (method, context).
    if (isDecoratorContext(maybeOptions))
      return wrap(fnOrOptions, { name: String(maybeOptions.name) });
    return wrap(fnOrOptions, maybeOptions ?? {});
  }
  const options = fnOrOptions ?? {};
  return (method: AnyFunction<unknown, unknown[], unknown>, ctx: ClassMethodDecoratorContext) =>
    wrap(method, { ...options, name: options.name ?? String(ctx.name) });
}

function isDecoratorContext(value: unknown): value is ClassMethodDecoratorContext {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'method'
  );
}

function wrap<This, Args extends unknown[], Result>(
  fn: AnyFunction<This, Args, Result>,
  options: TrackOptions,
): AnyFunction<This, Args, Result> {
  const name = options.name ?? (fn.name || 'anonymous');
  const maxLength = options.maxCaptureLength ?? DEFAULT_MAX_CAPTURE;
  const wrapped = function (this: This, ...args: Args): Result {
    const span = tracer.startSpan(name, {
      kind: SpanKind.INTERNAL,
      attributes: options.attributes,
    });
    const spanContext = trace.setSpan(context.active(), span);
    if (options.captureInput) capture(span, TRACK_INPUT_ATTRIBUTE, args, maxLength);
    let result: Result;
    try {
      result = context.with(spanContext, () => fn.apply(this, args));
    } catch (error) {
      fail(span, error);
      span.end();
      throw error;
    }
    return finish(result, span, spanContext, options, maxLength);
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: fn.length, configurable: true });
  return wrapped;
}

function finish<Result>(
  result: Result,
  span: Span,
  spanContext: Context,
  options: TrackOptions,
  maxLength: number,
): Result {
  const succeed = (value: unknown): void => {
    if (options.captureOutput) capture(span, TRACK_OUTPUT_ATTRIBUTE, value, maxLength);
    span.end();
  };
  if (isAsyncIterator(result)) {
    return wrapAsyncIterator(result, span, spanContext) as Result;
  }
  if (isThenable(result)) {
    if (result instanceof Promise && result.constructor === Promise) {
      // A new native promise that settles like the original keeps unhandled-rejection
      // behaviour intact (a handler on the original would swallow it).
      return result.then(
        (value: unknown) => {
          succeed(value);
          return value;
        },
        (error: unknown) => {
          fail(span, error);
          span.end();
          throw error;
        },
      ) as Result;
    }
    // Promise subclasses and thenables carry helpers: return the very same object.
    result.then(succeed, (error: unknown) => {
      fail(span, error);
      span.end();
    });
    return result;
  }
  succeed(result);
  return result;
}

function wrapAsyncIterator<T>(
  iterator: AsyncIterator<T> & Partial<AsyncIterable<T>>,
  span: Span,
  spanContext: Context,
): AsyncGenerator<T> {
  let ended = false;
  const end = (error?: unknown): void => {
    if (ended) return;
    ended = true;
    if (error !== undefined) fail(span, error);
    span.end();
  };
  const step = (method: 'next' | 'return' | 'throw', arg: unknown): Promise<IteratorResult<T>> => {
    const call = iterator[method];
    if (typeof call !== 'function') {
      // An iterator without return/throw: behave as the language does for a missing method.
      end(method === 'throw' ? arg : undefined);
      if (method === 'throw') return Promise.reject(arg);
      return Promise.resolve({ done: true, value: arg as T });
    }
    let pending: Promise<IteratorResult<T>>;
    try {
      pending = context.with(spanContext, () => call.call(iterator, arg as never));
    } catch (error) {
      end(error);
      return Promise.reject(error);
    }
    return Promise.resolve(pending).then(
      (step) => {
        if (step.done || method !== 'next') end();
        return step;
      },
      (error: unknown) => {
        end(error);
        throw error;
      },
    );
  };
  const generator: AsyncGenerator<T> = {
    next: (...args) => step('next', args[0]),
    return: (value) => step('return', value),
    throw: (error) => step('throw', error),
    [Symbol.asyncIterator]() {
      return generator;
    },
    [Symbol.asyncDispose]: async () => {
      await step('return', undefined);
    },
  };
  return generator;
}

function isAsyncIterator(value: unknown): value is AsyncIterator<unknown> & AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { next?: unknown }).next === 'function' &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function' &&
    !isThenable(value)
  );
}

function fail(span: Span, error: unknown): void {
  const type =
    error instanceof Error
      ? error.constructor.name || error.name
      : typeof error === 'object'
        ? 'object'
        : typeof error;
  span.setAttribute('error.type', type);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : undefined,
  });
  if (error instanceof Error) span.recordException(error);
}

function capture(span: Span, attribute: string, value: unknown, maxLength: number): void {
  try {
    redact ??= createRedactor();
    span.setAttribute(attribute, redact(safeStringify(value, { maxLength })));
  } catch {
    // Capturing is best effort: never let it break the traced call.
  }
}
