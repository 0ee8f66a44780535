import { GenAiCall } from '../genai/call';
import { reportInternal } from '../genai/safe';
import type { GenAiTelemetry } from '../genai';
import { observeSdkResult, sendInCall } from '../genai/sdk-call';
import { asObject, asString } from '../genai/narrow';
import { clientInfo } from './client-info';
import { captureInput, onResult, requestAttributes } from './messages';
import { withoutSdkSpan } from './sdk-tracing';

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** What the wrappers read on every call (the instrumentation may change it). */
export interface WrapSettings {
  telemetry(): GenAiTelemetry;
}

function clientOf(resource: unknown): unknown {
  return (resource as { _client?: unknown } | undefined)?._client;
}

/**
 * Wraps `Messages.prototype.create`. The caller gets the SDK's own return value (same
 * `APIPromise`, same `Stream`); anything of ours that fails is reported and the call proceeds as
 * if uninstrumented. `messages.stream()` sends its request through `create`, so it is covered too.
 */
export function wrapCreate(settings: WrapSettings) {
  return (original: Method): Method =>
    function create(this: unknown, ...args: unknown[]): unknown {
      let call: GenAiCall | undefined;
      let telemetry: GenAiTelemetry | undefined;
      const client = clientOf(this);
      try {
        const body = asObject(args[0]);
        if (body !== undefined) {
          telemetry = settings.telemetry();
          const info = clientInfo(client);
          call = new GenAiCall(telemetry, {
            operation: 'chat',
            provider: 'anthropic',
            requestModel: asString(body.model),
            attributes: requestAttributes(body),
            serverAddress: info.serverAddress,
            serverPort: info.serverPort,
          });
          if (telemetry.content !== undefined) captureInput(call, body, telemetry.content);
        }
      } catch (error) {
        reportInternal('starting a span', error);
        call?.end();
        call = undefined;
      }
      if (call === undefined) return original.apply(this, args);

      const active = call;
      const result = sendInCall(active, () =>
        withoutSdkSpan(client, () => original.apply(this, args)),
      );
      const content = telemetry?.content;
      observeSdkResult(result, active, (value) => onResult(active, value, content));
      return result;
    };
}

/**
 * Wraps `Messages.prototype.stream` only to keep SDKs that trace themselves from starting a
 * second span for the helper's request (they start it in `stream()`, before calling `create`).
 */
export function wrapStream() {
  return (original: Method): Method =>
    function stream(this: unknown, ...args: unknown[]): unknown {
      return withoutSdkSpan(clientOf(this), () => original.apply(this, args));
    };
}
