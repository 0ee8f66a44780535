import { serverFromBaseUrl } from '../genai/server-address';
import type { ServerAddress } from '../genai/server-address';
import { asObject } from '../genai/narrow';

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
