/**
 * The wrapped functions of the `ai` module.
 *
 * - `ai` 5/6 trace a call only when it passes `experimental_telemetry: { isEnabled: true }`: the
 *   wrapped `generateText`, `streamText`, `generateObject`, `streamObject`, `embed` and
 *   `embedMany` pass it on by default, with our translating tracer (legacy-tracer.ts). The app's
 *   choice wins: a call with `isEnabled: false` is left alone, and so is one that brings its own
 *   `tracer` (its spans go where the app sends them, as the SDK records them).
 * - `ai` 7 traces every call through the telemetry integration (integration.ts). `streamText`
 *   and `streamObject` are wrapped to see the app stop reading their streams (stream-watch.ts);
 *   `generateObject`, `streamObject`, `embed` and `embedMany` to send their model requests in
 *   their model call's span (model-scope.ts).
 *
 * Every wrapper is a pass-through while the instrumentation is disabled, and calls the original
 * exactly once with the caller's `this`, returning what it returns.
 */
import { context } from '@opentelemetry/api';
import { reportInternal } from '../genai/safe';
import type { GenAiTelemetry } from '../genai';
import { withStreamWatch } from './call-scope';
import { LegacyTracer } from './legacy-tracer';
import { ModelScope, withModelScope } from './model-scope';
import { AI_FUNCTIONS } from './request-attributes';
import { StreamWatch } from './stream-watch';

/** A function of the `ai` module, as wrapped. */
export type AiFunction = (this: unknown, ...args: unknown[]) => unknown;

/** What the wrappers read on every call. */
export interface AiHooks {
  /** The telemetry to record with; `undefined` while the instrumentation is disabled. */
  telemetry(): GenAiTelemetry | undefined;
}

/** The functions wrapped in an `ai` of `major`, each with its wrapper factory. */
export function aiWrappers(
  major: number,
  hooks: AiHooks,
): Record<string, (original: AiFunction) => AiFunction> {
  const wrappers: Record<string, (original: AiFunction) => AiFunction> = {};
  if (major >= 7) {
    wrappers.streamText = watchStreams(hooks);
    // No integration hook runs their requests: the model's do… methods are (model-scope.ts).
    const scoped = modelsInScope(hooks);
    wrappers.streamObject = (original) => watchStreams(hooks)(scoped(original));
    for (const fn of ['generateObject', 'embed', 'embedMany']) wrappers[fn] = scoped;
    return wrappers;
  }
  for (const fn of Object.keys(AI_FUNCTIONS)) {
    wrappers[fn] = enableTelemetry(hooks, AI_FUNCTIONS[fn]!.streamed);
  }
  return wrappers;
}

/** `ai` 7: runs the call with a stream watch the integration attaches to the call's spans. */
function watchStreams(hooks: AiHooks): (original: AiFunction) => AiFunction {
  return (original) =>
    function aiStreamCall(this: unknown, ...args: unknown[]): unknown {
      let watch: StreamWatch | undefined;
      try {
        if (hooks.telemetry() !== undefined && !telemetryOff(args[0])) {
          watch = new StreamWatch(abortSignalOf(args[0]));
        }
      } catch (internal) {
        reportInternal('AI SDK call', internal);
      }
      if (watch === undefined) return original.apply(this, args);
      const active = watch;
      const result = context.with(withStreamWatch(context.active(), active), () =>
        original.apply(this, args),
      );
      active.install(result);
      return result;
    };
}

/**
 * `ai` 7: runs the call with its model behind a proxy that sends each request in the span of
 * its model call (model-scope.ts). A model given by id (the global provider resolves it) is
 * left alone.
 */
function modelsInScope(hooks: AiHooks): (original: AiFunction) => AiFunction {
  return (original) =>
    function aiModelCall(this: unknown, ...args: unknown[]): unknown {
      let scope: ModelScope | undefined;
      let scopedArgs = args;
      try {
        const options = args[0] as { model?: unknown } | null | undefined;
        if (
          hooks.telemetry() !== undefined &&
          !telemetryOff(options) &&
          typeof options === 'object' &&
          options !== null &&
          typeof options.model === 'object' &&
          options.model !== null
        ) {
          scope = new ModelScope();
          scopedArgs = [{ ...options, model: scope.wrap(options.model) }, ...args.slice(1)];
        }
      } catch (internal) {
        reportInternal('AI SDK call', internal);
        scope = undefined;
        scopedArgs = args;
      }
      if (scope === undefined) return original.apply(this, args);
      return context.with(withModelScope(context.active(), scope), () =>
        original.apply(this, scopedArgs),
      );
    };
}

/** `ai` 5/6: the call with telemetry on by default, recorded through our tracer. */
function enableTelemetry(hooks: AiHooks, streamed: boolean): (original: AiFunction) => AiFunction {
  return (original) =>
    function aiCall(this: unknown, ...args: unknown[]): unknown {
      let call: { options: unknown; watch: StreamWatch | undefined } | undefined;
      try {
        const telemetry = hooks.telemetry();
        if (telemetry !== undefined) call = withTelemetry(args[0], telemetry, streamed);
      } catch (internal) {
        reportInternal('AI SDK call', internal);
      }
      if (call === undefined) return original.apply(this, args);
      const result = original.apply(this, [call.options, ...args.slice(1)]);
      call.watch?.install(result);
      return result;
    };
}

/**
 * The call's options with `experimental_telemetry` on and our tracer, or `undefined` to leave
 * the call alone (not an options object, telemetry turned off, or the app's own tracer). Content
 * is recorded by the SDK only when capture is on (and the app did not turn it off).
 */
export function withTelemetry(
  options: unknown,
  telemetry: GenAiTelemetry,
  streamed: boolean,
  /** The watch of the call's streams when the caller made it (an agent's `stream()`). */
  givenWatch?: StreamWatch,
): { options: unknown; watch: StreamWatch | undefined } | undefined {
  if (typeof options !== 'object' || options === null) return undefined;
  const current = (options as { experimental_telemetry?: unknown }).experimental_telemetry;
  const settings =
    typeof current === 'object' && current !== null
      ? (current as {
          isEnabled?: unknown;
          tracer?: unknown;
          recordInputs?: unknown;
          recordOutputs?: unknown;
        })
      : undefined;
  if (
    settings?.isEnabled === false ||
    (settings?.tracer !== undefined && settings.tracer !== null)
  ) {
    return undefined;
  }
  const capture = telemetry.content !== undefined;
  const watch = givenWatch ?? (streamed ? new StreamWatch(abortSignalOf(options)) : undefined);
  return {
    options: {
      ...options,
      experimental_telemetry: {
        ...settings,
        isEnabled: true,
        tracer: new LegacyTracer(telemetry, watch),
        recordInputs: capture && settings?.recordInputs !== false,
        recordOutputs: capture && settings?.recordOutputs !== false,
      },
    },
    watch,
  };
}

/** The call turns telemetry off (`telemetry` or `experimental_telemetry` `isEnabled: false`). */
function telemetryOff(options: unknown): boolean {
  if (typeof options !== 'object' || options === null) return false;
  const { telemetry, experimental_telemetry } = options as {
    telemetry?: { isEnabled?: unknown } | null;
    experimental_telemetry?: { isEnabled?: unknown } | null;
  };
  return (telemetry ?? experimental_telemetry)?.isEnabled === false;
}

/** The call's `abortSignal` option, when it is one. */
export function abortSignalOf(options: unknown): AbortSignal | undefined {
  const signal = (options as { abortSignal?: unknown } | null | undefined)?.abortSignal;
  return signal instanceof AbortSignal ? signal : undefined;
}

/** Marks a wrapper (and keeps its original) so a module is never wrapped twice. */
const ORIGINAL = Symbol.for('sprintlens.ai_sdk.original');

/** The original of a wrapper of ours, or `undefined` for any other value. */
export function originalOf(fn: unknown): AiFunction | undefined {
  return typeof fn === 'function'
    ? ((fn as { [ORIGINAL]?: AiFunction })[ORIGINAL] ?? undefined)
    : undefined;
}

/** `wrapper` marked as wrapping `original`. */
export function markWrapper(wrapper: AiFunction, original: AiFunction): AiFunction {
  Object.defineProperty(wrapper, ORIGINAL, { value: original });
  return wrapper;
}

/**
 * A copy of a module's exports with `wrapped` functions in place of the originals, for exports
 * that cannot be changed in place (an ES module's namespace loaded with `require`, a bundler's
 * getter-only CommonJS exports). Every other export keeps its descriptor (live getters too).
 */
export function exportsWith(exports: object, wrapped: Record<string, AiFunction>): object {
  const copy: Record<PropertyKey, unknown> = {};
  for (const key of Reflect.ownKeys(exports)) {
    const descriptor = Object.getOwnPropertyDescriptor(exports, key);
    if (descriptor === undefined) continue;
    if (typeof key === 'string' && Object.hasOwn(wrapped, key)) {
      Object.defineProperty(copy, key, {
        value: wrapped[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      Object.defineProperty(copy, key, { ...descriptor, configurable: true });
    }
  }
  return copy;
}
