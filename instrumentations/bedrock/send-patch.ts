/**
 * The patch point: `BedrockRuntimeClient.prototype.send`. Every AWS SDK v3 client inherits its
 * `send` from the shared smithy `Client.prototype`, which other services' clients (S3,
 * DynamoDB, …) use too; so it is never touched. Instead `BedrockRuntimeClient.prototype` gets an
 * own `send` that handles the four model-call commands with the LLM call pipeline and passes
 * every other command straight on. It delegates to the inherited `send` found at each call, so
 * a patch of the shared `send` made after ours (another instrumentation's) still runs.
 */
import type { LlmAdapter } from '../genai/adapter';
import { isWrapped } from '../genai/patching';
import { wrapLlmMethod } from '../genai/pipeline';
import type { GenAiTelemetry } from '../genai/telemetry';
import { operationOf } from './commands';
import type { BedrockOperation, SendMethod } from './types';

/** The adapter of each model-call operation. */
export type OperationAdapters = Readonly<Record<BedrockOperation, LlmAdapter>>;

/** How to undo a patch: the own `send` the prototype had, if any. */
interface Restore {
  readonly own: SendMethod | undefined;
}

const patched = new WeakMap<SendMethod, Restore>();

/**
 * Gives `prototype` (a `BedrockRuntimeClient.prototype`) the instrumented `send`; nothing when it
 * has no `send` or has ours (or any shimmer wrapper) already. Returns whether it patched.
 */
export function patchSend(
  prototype: object,
  adapters: OperationAdapters,
  telemetry: () => GenAiTelemetry,
): boolean {
  const current = (prototype as { send?: unknown }).send;
  if (typeof current !== 'function' || isWrapped(current)) return false;
  const own = Object.hasOwn(prototype, 'send') ? (current as SendMethod) : undefined;
  const parent = Object.getPrototypeOf(prototype) as { send?: SendMethod } | null;
  const base: SendMethod =
    own ??
    function send(this: unknown, ...args: unknown[]): unknown {
      return (parent?.send as SendMethod).apply(this, args);
    };
  const observed = {} as Record<BedrockOperation, SendMethod>;
  for (const [operation, adapter] of Object.entries(adapters) as [BedrockOperation, LlmAdapter][]) {
    observed[operation] = wrapLlmMethod(adapter, telemetry)(base);
  }
  const send = function send(this: unknown, ...args: unknown[]): unknown {
    const operation = operationOf(args[0]);
    if (operation === undefined) return base.apply(this, args);
    const call = observed[operation];
    const [command, optionsOrCallback, callback] = args;
    const done = typeof optionsOrCallback === 'function' ? optionsOrCallback : callback;
    if (typeof done !== 'function') return call.apply(this, args);
    // The callback form: sent as the promise form, the callback called as the SDK calls it
    // (an error it throws is swallowed there too), nothing returned.
    const options = typeof optionsOrCallback === 'function' ? undefined : optionsOrCallback;
    Promise.resolve(call.call(this, command, options))
      .then(
        (output) => (done as (error: unknown, output?: unknown) => void)(null, output),
        (error: unknown) => (done as (error: unknown) => void)(error),
      )
      .catch(() => undefined);
    return undefined;
  };
  Object.defineProperties(send, {
    __wrapped: { value: true, configurable: true },
    __original: { value: current, configurable: true },
  });
  patched.set(send, { own });
  Object.defineProperty(prototype, 'send', {
    value: send,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return true;
}

/** Undoes {@link patchSend}: the own `send` is restored, or removed when it was inherited. */
export function unpatchSend(prototype: object): void {
  if (!Object.hasOwn(prototype, 'send')) return;
  const current = (prototype as { send?: unknown }).send as SendMethod;
  const restore = patched.get(current);
  if (restore === undefined) return;
  patched.delete(current);
  if (restore.own === undefined) {
    delete (prototype as { send?: unknown }).send;
  } else {
    Object.defineProperty(prototype, 'send', {
      value: restore.own,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
}
