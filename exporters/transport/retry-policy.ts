/**
 * What to do with each answer: the status handling table of Backend API v1, exponential
 * backoff with full jitter, and `Retry-After` parsing.
 */

/** The decision for one request outcome. */
export type Verdict =
  | { kind: 'delivered' }
  /** Split the batch in halves (413). */
  | { kind: 'split' }
  /**
   * Retry after a backoff; `retryAfterMillis` when the server said when (429 and 503 only).
   * Every retryable answer is also back-pressure: adaptive concurrency shrinks its limit.
   */
  | { kind: 'retry'; retryAfterMillis: number | undefined }
  /** Drop and count. */
  | { kind: 'drop'; reason: 'rejected' | 'auth' }
  /** 415 to a compressed body: the receiver does not take that encoding; resend at once. */
  | { kind: 'encoding-refused' }
  /**
   * 400 to a compressed body: some receivers answer so when they cannot decompress. Resend the
   * same body uncompressed once; only a second 400 drops it.
   */
  | { kind: 'retry-uncompressed' };

/** Statuses worth retrying: the server or something in between may recover. */
function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Classifies an HTTP answer.
 *
 * @param status - the HTTP status.
 * @param retryAfter - the raw `Retry-After` header, if any.
 * @param sentEncoding - the body's `Content-Encoding`, if it was compressed.
 */
export function classify(
  status: number,
  retryAfter: string | undefined,
  sentEncoding: string | undefined,
  now: number = Date.now(),
): Verdict {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 413) return { kind: 'split' };
  if (status === 415 && sentEncoding !== undefined) return { kind: 'encoding-refused' };
  if (status === 400 && sentEncoding !== undefined) return { kind: 'retry-uncompressed' };
  if (status === 401 || status === 403) return { kind: 'drop', reason: 'auth' };
  if (retryable(status)) {
    const honoursRetryAfter = status === 429 || status === 503;
    return {
      kind: 'retry',
      retryAfterMillis: honoursRetryAfter ? parseRetryAfter(retryAfter, now) : undefined,
    };
  }
  return { kind: 'drop', reason: 'rejected' };
}

/**
 * `Retry-After` in ms: delta-seconds or an HTTP-date; `undefined` when absent or unreadable
 * (the caller then backs off as usual). Negative or past values mean "now".
 */
export function parseRetryAfter(
  value: string | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP-date names its day and month; anything else (e.g. "-5") is not one.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Exponential backoff with full jitter (AWS architecture blog): a uniform delay in
 * `[0, min(max, initial * 2^attempt)]`. Full jitter spreads the retries of many clients best.
 */
export function backoffMillis(options: {
  attempt: number;
  initialMillis: number;
  maxMillis: number;
  random: () => number;
}): number {
  const ceiling = Math.min(
    options.maxMillis,
    options.initialMillis * 2 ** Math.min(options.attempt, 30),
  );
  return Math.floor(options.random() * ceiling);
}

/** Whether a network error code means the request certainly never reached the server. */
export function neverSent(code: string | undefined): boolean {
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}

/**
 * Whether a network error code means nothing answers at the endpoint's address: the connection
 * was refused, the name does not resolve, or there is no route. At exit, such an endpoint is
 * not waited for (a live but slow one is, up to the shutdown bound).
 */
export function unreachable(code: string | undefined): boolean {
  return (
    neverSent(code) ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH' ||
    code === 'EADDRNOTAVAIL' ||
    code === 'ERR_SOCKET_BAD_PORT'
  );
}
