import { reportInternal } from '../genai/safe';

/**
 * `@anthropic-ai/sdk` 0.134 and later start their own CLIENT span for `messages.create` (scope
 * `com.anthropic.sdk.typescript`) whenever a global tracer provider is registered. sprintlens
 * emits its own span for the call (the contract's name, cost, redacted content, stream
 * guarantees, metrics), so the SDK's is suppressed for the calls we instrument, and only those:
 * the client's `_tracer` is hidden for the synchronous part of `create()`/`stream()`, which is
 * where the SDK decides whether to start a span (see docs/llm.md, "Anthropic"). Other API
 * calls of the same client keep the SDK's spans. Older versions have no `_tracer`: no-op.
 */
export function withoutSdkSpan<T>(client: unknown, run: () => T): T {
  const restore = hideTracer(client);
  if (restore === undefined) return run();
  try {
    return run();
  } finally {
    restore();
  }
}

/** Hides the client's tracer; returns how to put it back, or `undefined` if nothing was hidden. */
function hideTracer(client: unknown): (() => void) | undefined {
  try {
    if (typeof client !== 'object' || client === null || !Object.hasOwn(client, '_tracer')) {
      return undefined;
    }
    const holder = client as { _tracer?: unknown };
    const tracer = holder._tracer;
    if (tracer === undefined) return undefined;
    holder._tracer = undefined;
    return () => {
      try {
        holder._tracer = tracer;
      } catch (error) {
        reportInternal('restoring the SDK tracer', error);
      }
    };
  } catch (error) {
    // A client we cannot change (frozen, a proxy): the call goes on untouched.
    reportInternal('hiding the SDK tracer', error);
    return undefined;
  }
}

/** The client of an SDK resource (`client.messages._client`). */
export function clientOf(resource: unknown): unknown {
  return (resource as { _client?: unknown } | undefined)?._client;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Wraps `Messages.prototype.stream` only to keep SDKs that trace themselves from starting a
 * second span for the helper's request (they start it in `stream()`, before calling `create`,
 * whose span is ours).
 */
export function wrapWithoutSdkSpan(original: Method): Method {
  return function stream(this: unknown, ...args: unknown[]): unknown {
    return withoutSdkSpan(clientOf(this), () => original.apply(this, args));
  };
}
