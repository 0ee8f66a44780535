/**
 * Bearer-token authentication (`Authorization: Bearer <SPRINTLENS_API_KEY>`).
 */
import { timingSafeEqual } from 'node:crypto';

/** Outcome of {@link checkAuth}: `undefined` when the request may proceed. */
export interface AuthFailure {
  status: 401 | 403;
  message: string;
  /** Headers to send with the failure (`WWW-Authenticate` for 401). */
  headers: Record<string, string>;
}

/**
 * Checks a request's `Authorization` header against the configured key.
 *
 * @returns `undefined` when no key is configured or the header carries it.
 */
export function checkAuth(options: {
  apiKey: string | undefined;
  authorization: string | undefined;
  failureStatus: 401 | 403;
}): AuthFailure | undefined {
  const { apiKey, authorization, failureStatus } = options;
  if (apiKey === undefined) return undefined;
  // The scheme is case-insensitive (RFC 9110); the token is compared in constant time
  // because a future `sprintlens dev-backend` may listen where others can probe it.
  const match = /^bearer\s+(.+)$/i.exec((authorization ?? '').trim());
  const token = Buffer.from(match?.[1] ?? '', 'utf8');
  const expected = Buffer.from(apiKey, 'utf8');
  if (token.length === expected.length && timingSafeEqual(token, expected)) return undefined;
  const message =
    authorization === undefined
      ? 'missing Authorization header (expected "Bearer <api key>")'
      : 'invalid API key';
  const headers: Record<string, string> =
    failureStatus === 401 ? { 'www-authenticate': 'Bearer realm="sprintlens"' } : {};
  return { status: failureStatus, message, headers };
}
