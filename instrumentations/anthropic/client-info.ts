import { serverFromBaseUrl } from '../genai/server-address';
import type { ServerAddress } from '../genai/server-address';
import { asObject } from '../genai/narrow';

/** Server of one Anthropic client instance. */
export type ClientInfo = ServerAddress;

const UNKNOWN: ClientInfo = { serverAddress: undefined, serverPort: undefined };
const cache = new WeakMap<object, ClientInfo>();

/** `server.address` / `server.port` from the client's `baseURL`, computed once per client. */
export function clientInfo(client: unknown): ClientInfo {
  const c = asObject(client);
  if (c === undefined) return UNKNOWN;
  let info = cache.get(c);
  if (info !== undefined) return info;
  info = serverFromBaseUrl(c.baseURL);
  cache.set(c, info);
  return info;
}
