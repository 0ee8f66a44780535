import {
  detectAwsKeyId,
  detectGithubToken,
  detectGoogleKey,
  detectSkKey,
  detectSlackToken,
  detectStripeKey,
} from './api-keys';
import { detectBearer } from './bearer';
import {
  AT,
  BACKSLASH,
  isDigit,
  isEscapeLetter,
  isTokenStart,
  isUpper,
  isWordChar,
  LPAREN,
  PLUS,
  runEnd,
} from './chars';
import { detectEmail } from './email';
import type { Detector, Finding, ScanContext } from './findings';
import { detectIban } from './iban';
import { detectJwt } from './jwt';
import { detectNumber } from './numeric';
import type { BuiltinRedactionKind } from './types';

/**
 * The single pass over the input. At each position a cheap test on one character decides
 * which detectors could start there (`@`, a digit, `+`/`(`, `s`, `e`, `b`, `A`, ...); those
 * validate locally and return where the scan resumes. Words that start nothing are skipped
 * whole, because every detector needs a token start. Every detector does work bounded by a
 * constant or consumes what it read, so a scan is linear in the input length.
 *
 * Internal module: not part of the public API.
 */

const NONE: readonly Detector[] = [];
const DIGIT_DETECTORS: readonly Detector[] = [detectNumber];
const UPPER_DETECTORS: readonly Detector[] = [detectIban];
const A_DETECTORS: readonly Detector[] = [detectAwsKeyId, detectGoogleKey, detectIban];
const B_UPPER_DETECTORS: readonly Detector[] = [detectBearer, detectIban];
const B_DETECTORS: readonly Detector[] = [detectBearer];
const E_DETECTORS: readonly Detector[] = [detectJwt];
const G_DETECTORS: readonly Detector[] = [detectGithubToken];
const R_DETECTORS: readonly Detector[] = [detectStripeKey];
const S_DETECTORS: readonly Detector[] = [detectSkKey, detectStripeKey];
const X_DETECTORS: readonly Detector[] = [detectSlackToken];

/** Detectors that can start with the character `c` (at a token start). */
function detectorsFor(c: number): readonly Detector[] {
  if (isDigit(c)) return DIGIT_DETECTORS;
  switch (c) {
    case 0x41: // A
      return A_DETECTORS;
    case 0x42: // B
      return B_UPPER_DETECTORS;
    case 0x62: // b
      return B_DETECTORS;
    case 0x65: // e
      return E_DETECTORS;
    case 0x67: // g
      return G_DETECTORS;
    case 0x72: // r
      return R_DETECTORS;
    case 0x73: // s
      return S_DETECTORS;
    case 0x78: // x
      return X_DETECTORS;
    default:
      return isUpper(c) ? UPPER_DETECTORS : NONE;
  }
}

/** Find every built-in finding in `text`, in order, without overlaps. */
export function scan(text: string, enabled: ReadonlySet<BuiltinRedactionKind>): Finding[] {
  const ctx: ScanContext = { text, enabled, findings: [], lastEnd: 0 };
  if (enabled.size === 0) return ctx.findings;
  const wantEmail = enabled.has('email');
  const wantNumbers = enabled.has('phone') || enabled.has('credit_card');
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    let next = i;
    if (isWordChar(c)) {
      if (isTokenStart(text, i)) {
        for (const detect of detectorsFor(c)) {
          next = detect(ctx, i);
          if (next !== i) break;
        }
      }
      if (next === i) {
        // Nothing starts here: skip the word. The letter of an escape (`\n`) is a word of
        // its own, so `\nsk-…` is still seen.
        next =
          isEscapeLetter(c) && text.charCodeAt(i - 1) === BACKSLASH
            ? i + 1
            : runEnd(text, i, isWordChar);
      }
    } else if (c === AT) {
      if (wantEmail) next = detectEmail(ctx, i);
    } else if ((c === PLUS || c === LPAREN) && wantNumbers && isTokenStart(text, i)) {
      next = detectNumber(ctx, i);
    }
    i = next > i ? next : i + 1;
  }
  return ctx.findings;
}
