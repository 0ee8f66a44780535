import {
  isAlnum,
  isBase64UrlChar,
  isDigit,
  isUpperAlnum,
  isWordChar,
  runEnd,
  startsWithAt,
} from './chars';
import { addFinding } from './findings';
import type { ScanContext } from './findings';
import type { BuiltinRedactionKind } from './types';

/**
 * Provider API keys recognised by their fixed prefixes. Each detector reads the token's
 * character run once; the scanner skips the rest of the word when nothing matched.
 *
 * Internal module: not part of the public API.
 */

/** Minimum length of the random part of `sk-` style keys (real keys are 40+). */
const MIN_SECRET_BODY = 20;

function hasDigitAndLetter(text: string, start: number, end: number): boolean {
  let digit = false;
  let letter = false;
  for (let i = start; i < end && !(digit && letter); i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) digit = true;
    else if (isAlnum(c)) letter = true;
  }
  return digit && letter;
}

/**
 * `sk-ant-…` (Anthropic) and `sk-…` / `sk-proj-…` (OpenAI): the prefix, then at least 20
 * base64url characters including a letter and a digit (so `sk-learn` or hyphenated prose is
 * not a key).
 */
export function detectSkKey(ctx: ScanContext, at: number): number {
  const { text } = ctx;
  if (!startsWithAt(text, at, 'sk-')) return at;
  const anthropic = startsWithAt(text, at + 3, 'ant-');
  const kind: BuiltinRedactionKind = anthropic ? 'anthropic_api_key' : 'openai_api_key';
  if (!ctx.enabled.has(kind)) return at;
  const bodyStart = at + (anthropic ? 7 : 3);
  const end = runEnd(text, bodyStart, isBase64UrlChar);
  if (end - bodyStart < MIN_SECRET_BODY || !hasDigitAndLetter(text, bodyStart, end)) return at;
  return addFinding(ctx, at, end, kind);
}

/** Stripe secret and restricted keys: `sk_live_`, `sk_test_`, `rk_live_`, `rk_test_`. */
export function detectStripeKey(ctx: ScanContext, at: number): number {
  const { text } = ctx;
  if (!ctx.enabled.has('stripe_key')) return at;
  const c = text.charCodeAt(at);
  if ((c !== 0x73 && c !== 0x72) || !startsWithAt(text, at + 1, 'k_')) return at; // s, r
  if (!startsWithAt(text, at + 3, 'live_') && !startsWithAt(text, at + 3, 'test_')) return at;
  const bodyStart = at + 8;
  const end = runEnd(text, bodyStart, isAlnum);
  if (end - bodyStart < 16 || isWordChar(text.charCodeAt(end))) return at;
  return addFinding(ctx, at, end, 'stripe_key');
}

/** AWS access key ids: `AKIA` (long-term) or `ASIA` (temporary) + 16 of `A-Z0-9`. */
export function detectAwsKeyId(ctx: ScanContext, at: number): number {
  const { text } = ctx;
  if (!ctx.enabled.has('aws_access_key_id')) return at;
  if (!startsWithAt(text, at, 'AKIA') && !startsWithAt(text, at, 'ASIA')) return at;
  const end = runEnd(text, at + 4, isUpperAlnum);
  if (end - at !== 20 || isWordChar(text.charCodeAt(end))) return at;
  return addFinding(ctx, at, end, 'aws_access_key_id');
}

/** Google API keys: `AIza` + 35 base64url characters. */
export function detectGoogleKey(ctx: ScanContext, at: number): number {
  const { text } = ctx;
  if (!ctx.enabled.has('google_api_key') || !startsWithAt(text, at, 'AIza')) return at;
  const end = runEnd(text, at + 4, isBase64UrlChar);
  if (end - at !== 39) return at;
  return addFinding(ctx, at, end, 'google_api_key');
}

const GITHUB_PREFIXES = ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'];

/** GitHub tokens: `ghp_` & co. + 36 or more alphanumerics; `github_pat_` + 50 or more. */
export function detectGithubToken(ctx: ScanContext, at: number): number {
  const { text } = ctx;
  if (!ctx.enabled.has('github_token')) return at;
  if (startsWithAt(text, at, 'github_pat_')) {
    const end = runEnd(text, at + 11, isWordChar);
    if (end - at - 11 < 50) return at;
    return addFinding(ctx, at, end, 'github_token');
  }
  if (!GITHUB_PREFIXES.some((p) => startsWithAt(text, at, p))) return at;
  const end = runEnd(text, at + 4, isAlnum);
  if (end - at - 4 < 36 || isWordChar(text.charCodeAt(end))) return at;
  return addFinding(ctx, at, end, 'github_token');
}

/** Slack tokens: `xox` + one of `a b o p r s` + `-` + 10 or more of `A-Za-z0-9-`. */
export function detectSlackToken(ctx: ScanContext, at: number): number {
  const { text } = ctx;
  if (!ctx.enabled.has('slack_token') || !startsWithAt(text, at, 'xox')) return at;
  const t = text[at + 3];
  if (t === undefined || !'abopsr'.includes(t) || text.charCodeAt(at + 4) !== 0x2d) return at;
  const end = runEnd(text, at + 5, (c) => isAlnum(c) || c === 0x2d);
  if (end - at - 5 < 10 || isWordChar(text.charCodeAt(end))) return at;
  return addFinding(ctx, at, end, 'slack_token');
}
