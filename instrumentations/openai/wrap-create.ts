import { GenAiCall } from '../genai/call';
import { reportInternal } from '../genai/safe';
import type { GenAiTelemetry } from '../genai';
import { observeSdkResult, sendInCall } from '../genai/sdk-call';
import { asObject } from '../genai/narrow';
import type { Json } from '../genai/narrow';
import { clientInfo } from './client-info';
import { modelOf } from './operations';
import type { OperationSpec } from './operations';

/** Settings the wrappers read on every call (the instrumentation may change them). */
export interface WrapSettings {
  telemetry(): GenAiTelemetry;
  /** Add `stream_options.include_usage` to streamed requests that lack it. */
  readonly includeStreamUsage: () => boolean;
}

type CreateMethod = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Wraps a resource's `create` method. The SDK's own return value goes back to the caller
 * untouched (same `APIPromise`, same `Stream`); anything of ours that fails is reported and
 * the call proceeds as if uninstrumented.
 */
export function wrapCreate(spec: OperationSpec, settings: WrapSettings) {
  return (original: CreateMethod): CreateMethod =>
    function create(this: unknown, ...received: unknown[]): unknown {
      const body = received[0];
      let call: GenAiCall | undefined;
      let injectedUsage = false;
      let args = received;
      let telemetry: GenAiTelemetry | undefined;
      try {
        const request = asObject(body);
        if (request !== undefined) {
          telemetry = settings.telemetry();
          const info = clientInfo((this as { _client?: unknown } | undefined)?._client);
          call = new GenAiCall(telemetry, {
            operation: spec.operation,
            provider: info.provider,
            requestModel: modelOf(request),
            attributes: spec.requestAttributes(request),
            serverAddress: info.serverAddress,
            serverPort: info.serverPort,
          });
          if (telemetry.content !== undefined) spec.captureInput(call, request, telemetry.content);
          if (
            request.stream === true &&
            spec.streamUsageOption &&
            settings.includeStreamUsage() &&
            asObject(request.stream_options)?.include_usage === undefined
          ) {
            // A copy: the caller's object is theirs (they may reuse or inspect it).
            const withUsage: Json = {
              ...request,
              stream_options: { ...asObject(request.stream_options), include_usage: true },
            };
            args = [withUsage, ...received.slice(1)];
            injectedUsage = true;
          }
        }
      } catch (error) {
        reportInternal('starting a span', error);
        call?.end();
        call = undefined;
        args = received;
        injectedUsage = false;
      }
      if (call === undefined) return original.apply(this, args);

      const active = call;
      const result = sendInCall(active, () => original.apply(this, args));
      const content = telemetry?.content;
      observeSdkResult(result, active, (value) =>
        spec.onResult(active, value, content, injectedUsage),
      );
      return result;
    };
}
