import type { Attributes } from '@opentelemetry/api';
import type { GenAiCall } from '../genai';
import type { LlmRequest } from '../genai/adapter';
import { asObject, asString } from '../genai/narrow';
import type { Json } from '../genai/narrow';
import type { ServerAddress } from '../genai/server-address';
import { parseModelId } from './model-id';
import { clientServer } from './server';

/** `gen_ai.provider.name` of every Bedrock call. */
export const BEDROCK_PROVIDER = 'aws.bedrock';
/**
 * `error.type` of a stream that ended before its last event: the connection dropped between two
 * events, which the SDK's iterator does not report (it ends as if the stream were complete).
 */
export const STREAM_TRUNCATED = 'stream_truncated';
/** The AWS request id of a call (OTel's AWS SDK conventions). */
export const ATTR_AWS_REQUEST_ID = 'aws.request_id';

/** The input of the command `send` was given (`args[0].input`), when it is an object. */
export function commandInput(args: readonly unknown[]): Json | undefined {
  return asObject(asObject(args[0])?.input);
}

/** The `modelId` of a command's input. */
export function modelIdOf(input: Json | undefined): string | undefined {
  const modelId = asString(input?.modelId);
  return modelId === '' ? undefined : modelId;
}

/**
 * The span's start for a call of `client` on `modelId`: provider `aws.bedrock`, the model id as
 * the request model (as given: an ARN stays an ARN), the server (pending on a client's first
 * call), and the price name the model id maps to (see model-id.ts); an id that maps to none is
 * priced under itself, so a price file can name an application inference profile's ARN.
 */
export function bedrockRequest(
  client: unknown,
  modelId: string,
  operation: string,
  attributes: Attributes,
): LlmRequest {
  const server = clientServer(client);
  const pending = server instanceof Promise ? server : undefined;
  const known = pending === undefined ? (server as ServerAddress) : undefined;
  return {
    operation,
    provider: BEDROCK_PROVIDER,
    requestModel: modelId,
    attributes,
    serverAddress: known?.serverAddress,
    serverPort: known?.serverPort,
    serverPending: pending,
    priceModel: parseModelId(modelId).priceName ?? modelId,
  };
}

/** `send(command, { abortSignal })`: the request's own abort signal, if any. */
export function abortSignalOf(args: readonly unknown[]): AbortSignal | undefined {
  // Any AbortSignal-like object the SDK accepts, not only this realm's AbortSignal.
  const signal = asObject(asObject(args[1])?.abortSignal);
  return signal !== undefined &&
    typeof signal.aborted === 'boolean' &&
    typeof signal.addEventListener === 'function'
    ? (signal as unknown as AbortSignal)
    : undefined;
}

/** Records the AWS request id of a result (`$metadata.requestId`) on the call's span. */
export function recordRequestId(call: GenAiCall, output: Json): void {
  const requestId = asString(asObject(output.$metadata)?.requestId);
  if (requestId !== undefined) call.span.setAttribute(ATTR_AWS_REQUEST_ID, requestId);
}
