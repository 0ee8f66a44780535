import { asObject } from './util';

/** Server of one Anthropic client instance. */
export interface ClientInfo {
  readonly serverAddress: string | undefined;
  readonly serverPort: number | undefined;
}

const UNKNOWN: ClientInfo = { serverAddress: undefined, serverPort: undefined };
const cache = new WeakMap<object, ClientInfo>();

/** `server.address` / `server.port` from the client's `baseURL`, computed once per client. */
export function clientInfo(client: unknown): ClientInfo {
  const c = asObject(client);
  if (c === undefined) return UNKNOWN;
  let info = cache.get(c);
  if (info !== undefined) return info;
  info = UNKNOWN;
  if (typeof c.baseURL === 'string') {
    try {
      const url = new URL(c.baseURL);
      info = {
        serverAddress: url.hostname,
        serverPort: url.port === '' ? (url.protocol === 'http:' ? 80 : 443) : Number(url.port),
      };
    } catch {
      // Not a URL: leave the server unknown.
    }
  }
  cache.set(c, info);
  return info;
}
