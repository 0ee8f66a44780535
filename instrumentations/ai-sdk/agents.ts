/**
 * `ai` 6 agents (`ToolLoopAgent`, also exported as `Experimental_Agent`) call the SDK's
 * `generateText`/`streamText` from inside the module, not through the exports sprintlens wraps,
 * so telemetry would stay off for them. Each agent call builds its arguments in
 * `prepareCall()`; its wrapper on the class's prototype turns telemetry on in them by default,
 * with our tracer, exactly as the wrapped functions do (the app's `isEnabled: false` or own
 * tracer wins). An agent's stream has no stream watch: one the app abandons ends when the cap of
 * calls in flight is reached.
 */
import { reportInternal } from '../genai/safe';
import type { AiFunction, AiHooks } from './exports';
import { markWrapper, originalOf, withTelemetry } from './exports';

/** The agent classes `ai` 6 exports (the second is an alias of the first). */
const AGENT_CLASSES = ['ToolLoopAgent', 'Experimental_Agent'] as const;

type AgentPrototype = { prepareCall?: unknown };

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

/** Wraps `prepareCall` of the module's agent classes (once per class). */
export function patchAgents(module: Record<string, unknown>, hooks: AiHooks): void {
  for (const prototype of agentPrototypes(module)) {
    const original = prototype.prepareCall as AiFunction;
    if (originalOf(original) !== undefined) continue;
    prototype.prepareCall = markWrapper(async function prepareCall(
      this: unknown,
      ...args: unknown[]
    ): Promise<unknown> {
      const prepared: unknown = await original.apply(this, args);
      try {
        const telemetry = hooks.telemetry();
        const call =
          telemetry === undefined ? undefined : withTelemetry(prepared, telemetry, false);
        if (call !== undefined) return named(call.options, prepared);
      } catch (internal) {
        reportInternal('AI SDK agent call', internal);
      }
      return prepared;
    }, original);
  }
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

/** Gives the agent classes their own `prepareCall` back. */
export function unpatchAgents(module: Record<string, unknown>): void {
  for (const prototype of agentPrototypes(module)) {
    const original = originalOf(prototype.prepareCall);
    if (original !== undefined) prototype.prepareCall = original;
  }
}
