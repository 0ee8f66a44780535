/**
 * Low-level HTTP helpers: reading bodies (optionally resetting mid-way) and writing
 * complete or deliberately truncated answers.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** An answer to send. */
export interface Reply {
  status: number;
  headers?: OutgoingHttpHeaders;
  body?: Buffer;
}

/** Outcome of {@link readBody}. */
export type BodyResult =
  | { kind: 'complete'; body: Buffer }
  /** The connection was reset on purpose after `bytesRead` bytes. */
  | { kind: 'reset'; bytesRead: number }
  /** The body was larger than `maxBytes`; it was read to its end and discarded. */
  | { kind: 'too-large'; bytesRead: number }
  /** The client went away before the body was complete. */
  | { kind: 'aborted'; bytesRead: number };

/**
 * Reads a request body as received on the wire (still compressed, if it was).
 *
 * @param options.resetAfterBytes - reset the connection (TCP RST) once this many bytes
 *   have arrived, or at the end of a shorter body, instead of completing the read.
 * @param options.maxBytes - past this many bytes, stop keeping the body (memory stays
 *   bounded whatever the client sends) and read on to its end so a 413 can be answered.
 */
export function readBody(
  req: IncomingMessage,
  options: { resetAfterBytes?: number; maxBytes?: number } = {},
): Promise<BodyResult> {
  const { resetAfterBytes, maxBytes = Infinity } = options;
  return new Promise((resolve) => {
    // The client may have gone while the request waited (injected latency).
    if (req.destroyed) {
      resolve({ kind: 'aborted', bytesRead: 0 });
      return;
    }
    const chunks: Buffer[] = [];
    let bytesRead = 0;
    let settled = false;
    const settle = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      resolve(result);
    };
    const reset = (): void => {
      settle({ kind: 'reset', bytesRead });
      req.socket.resetAndDestroy();
    };
    let tooLarge = false;
    const onData = (chunk: Buffer): void => {
      bytesRead += chunk.length;
      if (!tooLarge && bytesRead > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
      }
      if (!tooLarge) chunks.push(chunk);
      if (resetAfterBytes !== undefined && bytesRead >= resetAfterBytes) reset();
    };
    req.on('data', onData);
    req.once('end', () => {
      if (resetAfterBytes !== undefined) reset();
      else if (tooLarge) settle({ kind: 'too-large', bytesRead });
      else settle({ kind: 'complete', body: Buffer.concat(chunks) });
    });
    // 'close' before 'end' means the body never completed.
    req.once('close', () => settle({ kind: 'aborted', bytesRead }));
    req.once('error', () => settle({ kind: 'aborted', bytesRead }));
  });
}

/** Sends a complete answer. */
export function send(res: ServerResponse, reply: Reply): void {
  const body = reply.body ?? Buffer.alloc(0);
  res.writeHead(reply.status, { ...reply.headers, 'content-length': body.length });
  res.end(body);
}

/**
 * Sends the status line, headers and the first half of the body, then destroys the
 * connection. The declared `content-length` is the full one, so the client knows the
 * answer was cut short; for an empty body, chunked encoding without its last chunk does
 * the same.
 */
export function sendTruncated(res: ServerResponse, reply: Reply): void {
  const body = reply.body ?? Buffer.alloc(0);
  const headers: OutgoingHttpHeaders = { ...reply.headers };
  if (body.length > 0) headers['content-length'] = body.length;
  res.writeHead(reply.status, headers);
  const part = body.subarray(0, Math.floor(body.length / 2));
  // Close only once the partial answer is on its way, so the client does see it; a
  // FIN rather than a RST, which would let the kernel discard what was written.
  if (part.length > 0) res.write(part, () => res.socket?.destroy());
  else {
    res.flushHeaders();
    res.socket?.end();
  }
}

/**
 * The path and query of a request target. A target `URL` cannot parse (a client may send
 * `GET http://[ HTTP/1.1`) gives its raw text as the path and no query, rather than an
 * exception that would take the server down.
 */
export function requestTarget(target: string | undefined): {
  path: string;
  query: URLSearchParams;
} {
  try {
    const url = new URL(target ?? '/', 'http://backend.invalid');
    return { path: url.pathname, query: url.searchParams };
  } catch {
    return { path: target ?? '/', query: new URLSearchParams() };
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
