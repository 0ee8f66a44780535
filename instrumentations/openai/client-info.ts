import { asObject } from './util';

/** Provider and server of one OpenAI client instance. */
export interface ClientInfo {
  readonly provider: string;
  readonly serverAddress: string | undefined;
  readonly serverPort: number | undefined;
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
  let serverAddress: string | undefined;
  let serverPort: number | undefined;
  if (typeof c.baseURL === 'string') {
    try {
      const url = new URL(c.baseURL);
      serverAddress = url.hostname;
      serverPort = url.port === '' ? (url.protocol === 'http:' ? 80 : 443) : Number(url.port);
    } catch {
      // Not a URL: leave the server unknown.
    }
  }
  info = { provider: azure ? 'azure.ai.openai' : 'openai', serverAddress, serverPort };
  cache.set(c, info);
  return info;
}
