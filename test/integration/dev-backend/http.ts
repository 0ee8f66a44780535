/**
 * Small `fetch` helpers for the backend tests.
 */

/** Options of {@link post}. */
export interface PostOptions {
  body: Uint8Array | string;
  contentType?: string;
  contentEncoding?: string;
  headers?: Record<string, string>;
}

/** POSTs a body to `url` with the given content type and encoding. */
export function post(url: string, options: PostOptions): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  if (options.contentEncoding !== undefined) headers['content-encoding'] = options.contentEncoding;
  return fetch(url, { method: 'POST', headers, body: options.body });
}

/** POSTs a JSON document. */
export function postJson(url: string, document: unknown, headers?: Record<string, string>) {
  return post(url, { body: JSON.stringify(document), contentType: 'application/json', headers });
}

/**
 * The network error behind a rejected `fetch` (undici wraps it as `cause`), as
 * `{ name, code, message }` so tests can tell a refused connection from a reset.
 */
export async function networkError(
  attempt: () => Promise<unknown>,
): Promise<{ code: string | undefined; message: string }> {
  try {
    await attempt();
  } catch (error: unknown) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const code =
      typeof cause === 'object' &&
      cause !== null &&
      'code' in cause &&
      typeof cause.code === 'string'
        ? cause.code
        : undefined;
    return { code, message: cause instanceof Error ? cause.message : String(cause) };
  }
  throw new Error('expected a network error, but the request succeeded');
}

/** A minimal, valid OTLP/JSON traces document with `count` spans. */
export function jsonTraces(options: { count?: number; service?: string } = {}): unknown {
  const spans = Array.from({ length: options.count ?? 1 }, (_, index) => ({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: (index + 1).toString(16).padStart(16, '0'),
    name: `span-${index}`,
    kind: 3,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000500000000',
  }));
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [{ key: 'service.name', value: { stringValue: options.service ?? 'svc' } }],
        },
        scopeSpans: [{ scope: { name: 'hand-made' }, spans }],
      },
    ],
  };
}
