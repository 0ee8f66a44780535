/**
 * The servers the SDK itself runs (the `/metrics` and `/healthz` server). The bundled HTTP
 * instrumentation leaves every request they receive untraced: a scrape every few seconds
 * must not become a trace, nor a span that the next export carries. Identified by the server
 * object, not a path, so an app route of the same path is still traced.
 */
const OWN_SERVERS = new WeakSet<object>();

/** Marks `server` as one of the SDK's own. */
export function markOwnServer(server: object): void {
  OWN_SERVERS.add(server);
}

/** Whether `server` (e.g. `request.socket.server`) is one of the SDK's own. */
export function isOwnServer(server: unknown): boolean {
  return typeof server === 'object' && server !== null && OWN_SERVERS.has(server);
}
