/** `server.address` / `server.port` of an SDK client. */
export interface ServerAddress {
  readonly serverAddress: string | undefined;
  readonly serverPort: number | undefined;
}

/** The server an SDK client's `baseURL` points at; unknown when it is not a URL. */
export function serverFromBaseUrl(baseURL: unknown): ServerAddress {
  if (typeof baseURL === 'string') {
    try {
      const url = new URL(baseURL);
      return {
        serverAddress: url.hostname,
        serverPort: url.port === '' ? (url.protocol === 'http:' ? 80 : 443) : Number(url.port),
      };
    } catch {
      // Not a URL: leave the server unknown.
    }
  }
  return { serverAddress: undefined, serverPort: undefined };
}
