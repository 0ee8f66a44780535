/**
 * `ai` 6 agents (`ToolLoopAgent`, also exported as `Experimental_Agent`) call the SDK's
 * `generateText`/`streamText` from inside the module, not through the exports sprintlens wraps,
 * so telemetry would stay off for them. Each agent call builds its arguments in
 * `prepareCall()`; its wrapper on the class's prototype turns telemetry on in them by default,
 * with our tracer, exactly as the wrapped functions do (the app's `isEnabled: false` or own
 * tracer wins). `stream()` is wrapped too, to watch the streams of its result as the wrapped
 * `streamText` does (stream-watch.ts): its `prepareCall()` takes the watch from the context.
 * `ai` 7 agents are seen by the integration, but their `streamText` is the module's own too: only
 * `stream()` is wrapped there, handing the integration the watch through the context.
 */
import { context, createContextKey } from '@opentelemetry/api';
import { reportInternal } from '../genai/safe';
import { withStreamWatch } from './call-scope';
import type { AiFunction, AiHooks } from './exports';
import { abortSignalOf, markWrapper, originalOf, withTelemetry } from './exports';
import { StreamWatch } from './stream-watch';

/** The agent classes `ai` 6 exports (the second is an alias of the first). */
const AGENT_CLASSES = ['ToolLoopAgent', 'Experimental_Agent'] as const;

/**
 * The watch an agent's `stream()` made, for the `prepareCall()` it runs first (taken once, so
 * that an agent called from one of its tools does not take it too).
 */
const AGENT_STREAM = createContextKey('sprintlens.ai_sdk.agent_stream');

interface WatchHolder {
  /** Made by `stream()`, until its `prepareCall()` takes it. */
  offered: StreamWatch | undefined;
  /** Taken and handed to the call's tracer (telemetry on): to install on the result. */
  traced: StreamWatch | undefined;
}

interface AgentPrototype {
  prepareCall?: unknown;
  stream?: unknown;
}

/** The prototypes whose `prepareCall` the module's agent classes have. */
function agentPrototypes(module: Record<string, unknown>): Set<AgentPrototype> {
  const prototypes = new Set<AgentPrototype>();
  for (const name of AGENT_CLASSES) {
    const agentClass = module[name];
    if (typeof agentClass !== 'function') continue;
    const prototype = (agentClass as { prototype?: unknown }).prototype;
    if (typeof prototype === 'object' && prototype !== null) {
      if (typeof (prototype as AgentPrototype).prepareCall === 'function') {
        prototypes.add(prototype as AgentPrototype);
      }
    }
  }
  return prototypes;
}

/**
 * Wraps the module's agent classes (once per class): in `ai` 6 `prepareCall` and `stream`; in
 * `ai` 7, whose integration sees agent calls, only `stream`, to hand the integration a watch.
 */
export function patchAgents(module: Record<string, unknown>, hooks: AiHooks, major: number): void {
  for (const prototype of agentPrototypes(module)) {
    const prepareCall = prototype.prepareCall as AiFunction;
    if (major < 7 && originalOf(prepareCall) === undefined) {
      prototype.prepareCall = markWrapper(withAgentTelemetry(hooks, prepareCall), prepareCall);
    }
    const stream = prototype.stream;
    if (typeof stream === 'function' && originalOf(stream) === undefined) {
      const original = stream as AiFunction;
      const wrapper =
        major < 7 ? watchAgentStream(hooks, original) : watchAgentStream7(hooks, original);
      prototype.stream = markWrapper(wrapper, original);
    }
  }
}

/** `ai` 7: `stream()` run with a watch the integration attaches to the call it starts. */
function watchAgentStream7(hooks: AiHooks, original: AiFunction): AiFunction {
  return async function stream(this: unknown, ...args: unknown[]): Promise<unknown> {
    let watch: StreamWatch | undefined;
    try {
      if (hooks.telemetry() !== undefined) watch = new StreamWatch(abortSignalOf(args[0]));
    } catch (internal) {
      reportInternal('AI SDK agent call', internal);
    }
    if (watch === undefined) return original.apply(this, args);
    const active = watch;
    const result: unknown = await context.with(withStreamWatch(context.active(), active), () =>
      original.apply(this, args),
    );
    try {
      active.install(result);
    } catch (internal) {
      reportInternal('AI SDK agent call', internal);
    }
    return result;
  };
}

/** `prepareCall()` whose arguments have telemetry on by default, named after the agent. */
function withAgentTelemetry(hooks: AiHooks, original: AiFunction): AiFunction {
  return async function prepareCall(this: unknown, ...args: unknown[]): Promise<unknown> {
    const holder = context.active().getValue(AGENT_STREAM) as WatchHolder | undefined;
    const watch = holder?.offered;
    if (holder !== undefined) holder.offered = undefined;
    const prepared: unknown = await original.apply(this, args);
    try {
      const telemetry = hooks.telemetry();
      const call =
        telemetry === undefined
          ? undefined
          : withTelemetry(prepared, telemetry, watch !== undefined, watch);
      if (call !== undefined) {
        if (holder !== undefined && watch !== undefined) holder.traced = call.watch;
        return named(call.options, prepared);
      }
    } catch (internal) {
      reportInternal('AI SDK agent call', internal);
    }
    return prepared;
  };
}

/** `stream()` with a watch its `prepareCall()` hands the call's tracer, installed on the result. */
function watchAgentStream(hooks: AiHooks, original: AiFunction): AiFunction {
  return async function stream(this: unknown, ...args: unknown[]): Promise<unknown> {
    let holder: WatchHolder | undefined;
    try {
      if (hooks.telemetry() !== undefined) {
        holder = { offered: new StreamWatch(abortSignalOf(args[0])), traced: undefined };
      }
    } catch (internal) {
      reportInternal('AI SDK agent call', internal);
    }
    if (holder === undefined) return original.apply(this, args);
    const active = holder;
    const result: unknown = await context.with(
      context.active().setValue(AGENT_STREAM, active),
      () => original.apply(this, args),
    );
    // Handed back by prepareCall when it traced the call (not when the app turned it off).
    try {
      active.traced?.install(result);
    } catch (internal) {
      reportInternal('AI SDK agent call', internal);
    }
    return result;
  };
}

/** The agent's `id` as the call's `functionId` (the span's name), unless the app set one. */
function named(options: unknown, prepared: unknown): unknown {
  const id = (prepared as { id?: unknown }).id;
  const settings = (options as { experimental_telemetry?: { functionId?: unknown } })
    .experimental_telemetry;
  if (
    typeof id === 'string' &&
    id !== '' &&
    settings !== undefined &&
    settings.functionId === undefined
  ) {
    settings.functionId = id;
  }
  return options;
}

/** Gives the agent classes their own `prepareCall` and `stream` back. */
export function unpatchAgents(module: Record<string, unknown>): void {
  for (const prototype of agentPrototypes(module)) {
    const prepareCall = originalOf(prototype.prepareCall);
    if (prepareCall !== undefined) prototype.prepareCall = prepareCall;
    const stream = originalOf(prototype.stream);
    if (stream !== undefined) prototype.stream = stream;
  }
}
