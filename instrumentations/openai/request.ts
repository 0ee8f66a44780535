import type { Attributes } from '@opentelemetry/api';
import type { LlmRequest } from '../genai/adapter';
import { asObject, asString } from '../genai/narrow';
import type { Json } from '../genai/narrow';
import { serverFromBaseUrl } from '../genai/server-address';
import type { ServerAddress } from '../genai/server-address';

/** What the OpenAI adapters read from their instrumentation's config on every call. */
export interface OpenAISettings {
  /** Add `stream_options.include_usage` to streamed requests that lack it. */
  includeStreamUsage(): boolean;
}

/** Provider and server of one OpenAI client instance. */
export interface ClientInfo extends ServerAddress {
  readonly provider: string;
}

const OPENAI: ClientInfo = { provider: 'openai', serverAddress: undefined, serverPort: undefined };
const cache = new WeakMap<object, ClientInfo>();

/**
 * `gen_ai.provider.name` (`openai`, or `azure.ai.openai` for `AzureOpenAI`, recognised by its
 * `deploymentName`/`apiVersion` fields) and `server.address`/`server.port` from `baseURL`.
 * Computed once per client.
 */
export function clientInfo(client: unknown): ClientInfo {
  const c = asObject(client);
  if (c === undefined) return OPENAI;
  let info = cache.get(c);
  if (info !== undefined) return info;
  const azure = 'deploymentName' in c && 'apiVersion' in c;
  info = { provider: azure ? 'azure.ai.openai' : 'openai', ...serverFromBaseUrl(c.baseURL) };
  cache.set(c, info);
  return info;
}

/**
 * The request of a resource's `create(body, options)`, for the adapters: `self` is the resource
 * (its `_client` is the `OpenAI`/`AzureOpenAI` client), the body must be an object.
 */
export function openAIRequest(
  operation: string,
  self: unknown,
  args: readonly unknown[],
  requestAttributes: (body: Json) => Attributes,
): LlmRequest | undefined {
  const body = asObject(args[0]);
  if (body === undefined) return undefined;
  const info = clientInfo((self as { _client?: unknown } | undefined)?._client);
  return {
    operation,
    provider: info.provider,
    requestModel: asString(body.model),
    attributes: requestAttributes(body),
    serverAddress: info.serverAddress,
    serverPort: info.serverPort,
  };
}

/**
 * The arguments of a streamed chat/completions request with `stream_options.include_usage` added
 * (so the stream reports tokens and cost), or `undefined` when the request is not streamed, the
 * caller set `include_usage` either way, or `includeStreamUsage` is off. The body is copied: the
 * caller's object is theirs (they may reuse or inspect it). The chunk observer then hides the
 * usage-only chunk and the `usage: null` fields this adds (`call.rewritten`).
 */
export function withStreamUsage(
  args: readonly unknown[],
  settings: OpenAISettings,
): unknown[] | undefined {
  const body = asObject(args[0]);
  if (
    body === undefined ||
    body.stream !== true ||
    !settings.includeStreamUsage() ||
    asObject(body.stream_options)?.include_usage !== undefined
  ) {
    return undefined;
  }
  const withUsage: Json = {
    ...body,
    stream_options: { ...asObject(body.stream_options), include_usage: true },
  };
  return [withUsage, ...args.slice(1)];
}
