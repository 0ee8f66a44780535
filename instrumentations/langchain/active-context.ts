/**
 * Making each run's span the active OpenTelemetry context while the run's own code executes.
 * LangChain enters user code at two kinds of points, and both are wrapped:
 *
 * - `AsyncLocalStorageProviderSingleton.runWithConfig(config, body)`: where lambdas, tools,
 *   LangGraph nodes and streamed bodies run; `config.callbacks` is the child callback manager
 *   of the run, whose parent run id names it.
 * - a model's `_generate`, `_streamResponseChunks` and (chat models) `_streamChatModelEvents`,
 *   which receive the run's manager (`runManager.runId`): the provider SDK call happens there.
 *   `_generateUncached` calls `_streamChatModelEvents` without the manager (when a handler
 *   prefers chat-model stream events); the run is then found through a slot the model call's
 *   entry puts in the context and the handler fills when the model run starts.
 */
import { context, createContextKey } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { reportInternal } from '../genai';

/** Finds the context of a run in flight. */
export type RunContextLookup = (runId: string | undefined) => Context | undefined;

const WRAPPED = Symbol.for('sprintlens.langchain.wrapped');

type Fn = (this: unknown, ...args: unknown[]) => unknown;

/** Marks `fn` as ours, with the original it wraps (for unwrapping and to wrap only once). */
function mark(fn: Fn, original: Fn): Fn {
  Object.defineProperty(fn, WRAPPED, { value: original });
  return fn;
}

/** The original of a function we wrapped, or `undefined` when it is not ours. */
export function originalOf(fn: unknown): Fn | undefined {
  return typeof fn === 'function'
    ? ((fn as unknown as Record<symbol, Fn>)[WRAPPED] ?? undefined)
    : undefined;
}

/** The run id a `runWithConfig` config belongs to: the parent run of its callback manager. */
function runIdOfConfig(config: unknown): string | undefined {
  try {
    const callbacks = (config as { callbacks?: { getParentRunId?: () => unknown } } | undefined)
      ?.callbacks;
    const id =
      typeof callbacks?.getParentRunId === 'function' ? callbacks.getParentRunId() : undefined;
    return typeof id === 'string' ? id : undefined;
  } catch (error) {
    reportInternal('langchain run context', error);
    return undefined;
  }
}

/** The model run started by one model call (`_generateUncached`/`_streamIterator`), once known. */
interface PendingModelRun {
  runId: string | undefined;
}

const PENDING_MODEL_RUN = createContextKey('sprintlens.langchain.pending_model_run');

/** Runs a model call's entry with an empty slot for the model run it is about to start. */
export function withPendingModelRun<T>(body: () => T): T {
  const slot: PendingModelRun = { runId: undefined };
  return context.with(context.active().setValue(PENDING_MODEL_RUN, slot), body);
}

/**
 * Called when a model run starts: the first run started under a model call's entry is that
 * call's run (a batch's other prompts are not streamed through `_streamChatModelEvents`).
 */
export function claimPendingModelRun(runId: string): void {
  const slot = context.active().getValue(PENDING_MODEL_RUN) as PendingModelRun | undefined;
  if (slot !== undefined && slot.runId === undefined) slot.runId = runId;
}

function pendingModelRunId(): string | undefined {
  return (context.active().getValue(PENDING_MODEL_RUN) as PendingModelRun | undefined)?.runId;
}

/** Wraps `runWithConfig` so the body runs with its run's span active. */
export function wrapRunWithConfig(original: Fn, lookup: RunContextLookup): Fn {
  return mark(function runWithConfig(this: unknown, ...args: unknown[]): unknown {
    const runContext = lookup(runIdOfConfig(args[0]));
    if (runContext === undefined) return original.apply(this, args);
    return context.with(runContext, () => original.apply(this, args));
  }, original);
}

/** The run id of a model method's run manager argument. */
function runIdOfManager(manager: unknown): string | undefined {
  const id = (manager as { runId?: unknown } | undefined)?.runId;
  return typeof id === 'string' ? id : undefined;
}

/** Wraps `_generate(messages, options, runManager)`: the call runs in the run's context. */
export function wrapGenerate(original: Fn, lookup: RunContextLookup): Fn {
  return mark(function _generate(this: unknown, ...args: unknown[]): unknown {
    const runContext = lookup(runIdOfManager(args[2]));
    if (runContext === undefined) return original.apply(this, args);
    return context.with(runContext, () => original.apply(this, args));
  }, original);
}

/**
 * Wraps an async-generator model method (`_streamResponseChunks(messages, options, runManager)`,
 * `_streamChatModelEvents(messages, options)`): every step of the iterator runs in the run's
 * context, since the SDK request is made inside the first `next()`, not at the call.
 */
export function wrapStream(original: Fn, lookup: RunContextLookup, managerIndex: number): Fn {
  return mark(function stream(this: unknown, ...args: unknown[]): unknown {
    const runContext = lookup(runIdOfManager(args[managerIndex]) ?? pendingModelRunId());
    if (runContext === undefined) return original.apply(this, args);
    const iterator = context.with(runContext, () =>
      original.apply(this, args),
    ) as AsyncIterator<unknown> & AsyncIterable<unknown>;
    if (iterator === null || typeof iterator !== 'object' || typeof iterator.next !== 'function') {
      return iterator;
    }
    return bindIterator(iterator, runContext);
  }, original);
}

/** An async iterator whose `next`/`return`/`throw` run in `ctx`. */
function bindIterator(
  iterator: AsyncIterator<unknown>,
  ctx: Context,
): AsyncIterableIterator<unknown> {
  const bound: AsyncIterableIterator<unknown> = {
    next: (...a: [] | [unknown]) => context.with(ctx, () => iterator.next(...a)),
    return: (value?: unknown) =>
      typeof iterator.return === 'function'
        ? context.with(ctx, () => iterator.return!(value))
        : Promise.resolve({ done: true, value }),
    throw: (error?: unknown) =>
      typeof iterator.throw === 'function'
        ? context.with(ctx, () => iterator.throw!(error))
        : Promise.reject(error instanceof Error ? error : new Error(String(error))),
    [Symbol.asyncIterator]() {
      return bound;
    },
  };
  return bound;
}

/** The model methods wrapped on each chat model class, and where their run manager is. */
const MODEL_METHODS: readonly { name: string; stream: boolean; manager: number }[] = [
  { name: '_generate', stream: false, manager: 2 },
  { name: '_streamResponseChunks', stream: true, manager: 2 },
  { name: '_streamChatModelEvents', stream: true, manager: 2 },
];

/**
 * Wraps the model methods on every prototype of `instance`'s chain that defines them, once per
 * prototype: chat model classes live in other packages (`@langchain/openai`, …), so they are
 * found from the instance on its first call. Prototypes stay wrapped until `unwrapModelClasses`.
 */
export function wrapModelClass(
  instance: unknown,
  lookup: RunContextLookup,
  wrapped: Set<object>,
): void {
  let proto: unknown =
    instance === null || typeof instance !== 'object' ? undefined : Object.getPrototypeOf(instance);
  while (proto !== null && proto !== undefined && proto !== Object.prototype) {
    const owner = proto as Record<string, unknown>;
    for (const { name, stream, manager } of MODEL_METHODS) {
      if (!Object.prototype.hasOwnProperty.call(owner, name)) continue;
      const current = owner[name];
      if (typeof current !== 'function' || originalOf(current) !== undefined) continue;
      owner[name] = stream
        ? wrapStream(current as Fn, lookup, manager)
        : wrapGenerate(current as Fn, lookup);
      wrapped.add(owner);
    }
    proto = Object.getPrototypeOf(proto);
  }
}

/** Restores the model methods wrapped by {@link wrapModelClass}. */
export function unwrapModelClasses(wrapped: Set<object>): void {
  for (const owner of wrapped) {
    const record = owner as Record<string, unknown>;
    for (const { name } of MODEL_METHODS) {
      const original = originalOf(record[name]);
      if (original !== undefined) record[name] = original;
    }
  }
  wrapped.clear();
}

/** The root run of one `Runnable.stream()` call, once known. */
interface StreamRoot {
  runId: string | undefined;
}

const STREAM_ROOT = createContextKey('sprintlens.langchain.stream_root');

/** Called when any run starts: the first run started under a `stream()` call is its root. */
export function claimStreamRoot(runId: string): void {
  const slot = context.active().getValue(STREAM_ROOT) as StreamRoot | undefined;
  if (slot !== undefined && slot.runId === undefined) slot.runId = runId;
}

/**
 * Wraps `Runnable.prototype.stream`. LangChain ends no run when the app stops reading a stream
 * early (`break` out of `for await`, `cancel()`): its generators have no `finally`. The root run
 * of the stream is found through a slot (its first step runs inside `stream()`), and the stream's
 * `return` and `cancel` are wrapped to end that run and its runs still in flight as cancelled.
 */
export function wrapStreamCall(original: Fn, abandon: (rootRunId: string) => void): Fn {
  return mark(function stream(this: unknown, ...args: unknown[]): unknown {
    const slot: StreamRoot = { runId: undefined };
    const result = context.with(context.active().setValue(STREAM_ROOT, slot), () =>
      original.apply(this, args),
    );
    if (!(result instanceof Promise)) return result;
    return result.then((stream: unknown) => {
      try {
        if (slot.runId !== undefined) onEarlyStop(stream, slot.runId, abandon);
      } catch (error) {
        reportInternal('langchain stream', error);
      }
      return stream;
    });
  }, original);
}

/** Wraps the stream object's own `return` and `cancel` so stopping it calls `abandon`. */
function onEarlyStop(stream: unknown, rootRunId: string, abandon: (id: string) => void): void {
  if (stream === null || typeof stream !== 'object') return;
  const target = stream as Record<string, unknown>;
  for (const name of ['return', 'cancel']) {
    const method = target[name];
    if (typeof method !== 'function') continue;
    Object.defineProperty(target, name, {
      configurable: true,
      writable: true,
      value: function (this: unknown, ...args: unknown[]): unknown {
        const out = (method as Fn).apply(this, args);
        const settle = () => {
          try {
            abandon(rootRunId);
          } catch (error) {
            reportInternal('langchain stream', error);
          }
        };
        if (out instanceof Promise) out.then(settle, settle);
        else settle();
        return out;
      },
    });
  }
}
