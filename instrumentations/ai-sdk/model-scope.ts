/**
 * `ai` 7 runs the provider request of `generateText`/`streamText` through the integration's
 * `executeLanguageModelCall` hook, inside the model call's span. `generateObject`,
 * `streamObject`, `embed` and `embedMany` have no such hook: the SDK announces the model call
 * (`onObjectStepStart`, `onEmbedStart`) and then calls the model's `doGenerate`/`doStream`/
 * `doEmbed` itself. So their wrappers hand the SDK the app's model behind a proxy whose three
 * request methods run in the span of the model call announced just before; the HTTP request,
 * and an instrumented SDK a custom provider calls, then nest under it (one LLM span per model
 * call, see genai/framework-run.ts). The SDK itself puts older models behind the same kind of
 * proxy; every other property reads through to the model unchanged.
 */
import { context, createContextKey } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { reportInternal } from '../genai/safe';
import type { OperationRun } from './operation';

/** The model methods that send a request. */
const REQUEST_METHODS = new Set<PropertyKey>(['doGenerate', 'doStream', 'doEmbed']);

const MODEL_SCOPE = createContextKey('sprintlens.ai_sdk.model_scope');

/** One wrapped call: the operation the integration started for it, once it has. */
export class ModelScope {
  private operation: OperationRun | undefined = undefined;

  /** The integration started the call's operation (the first one started in this scope). */
  attach(operation: OperationRun): void {
    this.operation ??= operation;
  }

  /** `model` behind a proxy that sends its requests in their model call's span. */
  wrap(model: object): object {
    // Functions read from the model are bound to it (never to the proxy), once each.
    const bound = new Map<PropertyKey, unknown>();
    return new Proxy(model, {
      get: (target, key) => {
        const value: unknown = Reflect.get(target, key, target);
        if (typeof value !== 'function' || isFixed(target, key)) return value;
        let fn = bound.get(key);
        if (fn === undefined || (fn as { original?: unknown }).original !== value) {
          fn = REQUEST_METHODS.has(key)
            ? this.inModelCall(target, value as (...args: unknown[]) => unknown)
            : (value as (...args: unknown[]) => unknown).bind(target);
          Object.defineProperty(fn, 'original', { value });
          bound.set(key, fn);
        }
        return fn;
      },
    });
  }

  private inModelCall(
    target: object,
    method: (...args: unknown[]) => unknown,
  ): (...args: unknown[]) => unknown {
    return (...args: unknown[]): unknown => {
      let callContext: Context | undefined;
      try {
        callContext = this.operation?.claimModelCall()?.context;
      } catch (internal) {
        reportInternal('AI SDK model request', internal);
      }
      return callContext === undefined
        ? Reflect.apply(method, target, args)
        : context.with(callContext, () => Reflect.apply(method, target, args));
    };
  }
}

/**
 * A non-configurable, read-only own property (a frozen model's): a proxy must return it as it
 * is, or reading it throws.
 */
function isFixed(target: object, key: PropertyKey): boolean {
  const descriptor = Reflect.getOwnPropertyDescriptor(target, key);
  return descriptor !== undefined && descriptor.configurable === false && !descriptor.writable;
}

/** `context` carrying `scope` for the call about to start in it. */
export function withModelScope(context: Context, scope: ModelScope): Context {
  return context.setValue(MODEL_SCOPE, scope);
}

/** The model scope of the context a call starts in (a call inside another sees its parent's). */
export function modelScopeOf(context: Context): ModelScope | undefined {
  return context.getValue(MODEL_SCOPE) as ModelScope | undefined;
}
