import type { Attributes } from '@opentelemetry/api';
import type { LlmRequest } from '../genai/adapter';
import { asObject, asString } from '../genai/narrow';
import type { Json } from '../genai/narrow';
import { serverFromBaseUrl } from '../genai/server-address';
import type { ServerAddress } from '../genai/server-address';
import { PROVIDER_GEMINI, PROVIDER_VERTEX_AI } from './types';
import type { GoogleApiClient, GoogleModels } from './types';

/** Provider and server of one `@google/genai` client. */
export interface ClientInfo extends ServerAddress {
  readonly provider: string;
}

const UNKNOWN_CLIENT: ClientInfo = {
  provider: PROVIDER_GEMINI,
  serverAddress: undefined,
  serverPort: undefined,
};
const clients = new WeakMap<object, ClientInfo>();

/**
 * `gen_ai.provider.name` from the client's `vertexai` setting (`gcp.vertex_ai`, else
 * `gcp.gemini`) and `server.address`/`server.port` from its base URL. Computed once per client:
 * both are fixed when the `GoogleGenAI` client is constructed.
 */
export function clientInfo(models: unknown): ClientInfo {
  const client = asObject((models as GoogleModels | undefined)?.apiClient) as
    (GoogleApiClient & object) | undefined;
  if (client === undefined) return UNKNOWN_CLIENT;
  let info = clients.get(client);
  if (info !== undefined) return info;
  const vertex = typeof client.isVertexAI === 'function' && client.isVertexAI() === true;
  let baseUrl: unknown;
  try {
    baseUrl = typeof client.getBaseUrl === 'function' ? client.getBaseUrl() : undefined;
  } catch {
    // The SDK throws when no base URL is set: the server stays unknown.
  }
  info = {
    provider: vertex ? PROVIDER_VERTEX_AI : PROVIDER_GEMINI,
    ...serverFromBaseUrl(baseUrl),
  };
  clients.set(client, info);
  return info;
}

// `models/gemini-2.5-flash`, `publishers/google/models/…`, `projects/p/locations/l/publishers/
// google/models/…` and `google/…` all name the model after their prefix. One anchored pattern.
const MODEL_PREFIX =
  /^(?:(?:projects\/[^/]+\/locations\/[^/]+\/)?publishers\/[^/]+\/models\/|models\/|google\/)/;

/**
 * The model id of a request's `model` (`gen_ai.request.model`): resource-name prefixes the SDK
 * accepts are removed, so `models/gemini-2.5-flash` and
 * `projects/p/locations/l/publishers/google/models/gemini-2.5-flash` are both
 * `gemini-2.5-flash` (what the price table and the response's `modelVersion` use). Tuned
 * models and endpoints (`tunedModels/…`, `projects/…/endpoints/…`) keep their full name.
 */
export function modelId(model: unknown): string | undefined {
  const name = asString(model);
  return name === undefined ? undefined : name.replace(MODEL_PREFIX, '');
}

/**
 * The request of a patched `Models` method (`generateContentInternal(params)`, …): `self` is the
 * `Models` instance, `args[0]` the parameters (`model`, `contents`, `config`). A per-request
 * `config.httpOptions.baseUrl` overrides the client's server.
 */
export function googleRequest(
  operation: string,
  self: unknown,
  args: readonly unknown[],
  requestAttributes: (config: Json | undefined) => Attributes,
): LlmRequest | undefined {
  const params = asObject(args[0]);
  if (params === undefined) return undefined;
  const config = asObject(params.config);
  const info = clientInfo(self);
  const override = asString(asObject(config?.httpOptions)?.baseUrl);
  const server = override === undefined ? info : serverFromBaseUrl(override);
  return {
    operation,
    provider: info.provider,
    requestModel: modelId(params.model),
    attributes: requestAttributes(config),
    serverAddress: server.serverAddress,
    serverPort: server.serverPort,
  };
}

/** The request's `config.abortSignal`, so an abort ends a stream's span even if never read. */
export function configAbortSignal(args: readonly unknown[]): AbortSignal | undefined {
  const signal = asObject(asObject(asObject(args[0])?.config)?.abortSignal);
  return signal instanceof AbortSignal ? signal : undefined;
}
