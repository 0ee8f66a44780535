import type { ContentCapture, GenAiCall } from '../genai';
import type { LlmAdapter, LlmRequest } from '../genai/adapter';
import { isAsyncIterable } from '../genai/stream';
import { asObject } from '../genai/narrow';
import { jsonBody } from './bodies/json';
import { requestCodec, responseCodec } from './bodies/select';
import { InvokeStreamObserver } from './invoke-stream';
import { parseModelId } from './model-id';
import type { ModelFamily } from './model-id';
import { abortSignalOf, bedrockRequest, commandInput, modelIdOf, recordRequestId } from './request';

/** `InvokeModelCommand`: the model's own JSON body in, its JSON body out (read per family). */
export const INVOKE_MODEL: LlmAdapter = {
  request: invokeRequest,
  captureInput,
  abortSignal: abortSignalOf,
  readResult(call, result, content) {
    const output = asObject(result);
    if (output === undefined) return;
    recordRequestId(call, output);
    const body = jsonBody(output.body);
    if (body !== undefined) responseCodec(familyOf(call), body).readResponse(call, body, content);
  },
};

/**
 * `InvokeModelWithResponseStreamCommand`: the output's `body` is the SDK's event stream of
 * `{ chunk: { bytes } }`, observed in place (the caller gets the same object and the same
 * bytes); each chunk's JSON is read by the family's codec.
 */
export const INVOKE_MODEL_STREAM: LlmAdapter = {
  request: invokeRequest,
  captureInput,
  abortSignal: abortSignalOf,
  chunksOf(result, call) {
    const output = asObject(result);
    if (output === undefined) return undefined;
    recordRequestId(call, output);
    return isAsyncIterable(output.body) ? output.body : undefined;
  },
  // An output without a stream (not seen from a real server) ends the call as it is.
  readResult: () => undefined,
  observeChunks: (call, content) => new InvokeStreamObserver(call, content, familyOf(call)),
};

function invokeRequest(self: unknown, args: readonly unknown[]): LlmRequest | undefined {
  const input = commandInput(args);
  const modelId = modelIdOf(input);
  if (input === undefined || modelId === undefined) return undefined;
  const body = jsonBody(input.body) ?? {};
  const codec = requestCodec(parseModelId(modelId).family, body);
  return bedrockRequest(self, modelId, codec.operation(body), codec.requestAttributes(body));
}

function captureInput(call: GenAiCall, args: readonly unknown[], content: ContentCapture): void {
  const body = jsonBody(commandInput(args)?.body);
  if (body !== undefined) requestCodec(familyOf(call), body).captureInput(call, body, content);
}

/** The family the call's model id names (the request model is the model id). */
function familyOf(call: GenAiCall): ModelFamily | undefined {
  return call.requestModel === undefined ? undefined : parseModelId(call.requestModel).family;
}
