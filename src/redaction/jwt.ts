import { DOT, isBase64UrlChar, runEnd, startsWithAt } from './chars';
import { addFinding } from './findings';
import type { ScanContext } from './findings';

/**
 * JSON Web Tokens: three dot-separated base64url segments, the first starting with `eyJ`
 * (the encoding of `{"`). The header must decode to a JSON object with `alg` or `typ`, or
 * else the payload must also start with `eyJ`. The signature may be empty (`alg: none`).
 *
 * Internal module: not part of the public API.
 */

const MIN_HEADER = 10;
/** Headers longer than this are not decoded (the payload test decides). */
const MAX_DECODED_HEADER = 4096;

/** Detector for `eyJ` at a token start. */
export function detectJwt(ctx: ScanContext, at: number): number {
  const { text } = ctx;
  if (!ctx.enabled.has('jwt') || !startsWithAt(text, at, 'eyJ')) return at;
  const headerEnd = runEnd(text, at, isBase64UrlChar);
  if (headerEnd - at < MIN_HEADER || text.charCodeAt(headerEnd) !== DOT) return at;
  const payloadStart = headerEnd + 1;
  const payloadEnd = runEnd(text, payloadStart, isBase64UrlChar);
  if (payloadEnd - payloadStart < 2 || text.charCodeAt(payloadEnd) !== DOT) return at;
  const signatureEnd = runEnd(text, payloadEnd + 1, isBase64UrlChar);
  if (!headerLooksLikeJwt(text, at, headerEnd) && !startsWithAt(text, payloadStart, 'eyJ')) {
    return at;
  }
  return addFinding(ctx, at, signatureEnd, 'jwt');
}

function headerLooksLikeJwt(text: string, start: number, end: number): boolean {
  if (end - start > MAX_DECODED_HEADER) return false;
  try {
    const json: unknown = JSON.parse(Buffer.from(text.slice(start, end), 'base64url').toString());
    return typeof json === 'object' && json !== null && ('alg' in json || 'typ' in json);
  } catch {
    return false;
  }
}
