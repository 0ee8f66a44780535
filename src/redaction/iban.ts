import { isDigit, isUpper, isUpperAlnum, isWordChar, NBSP, SPACE } from './chars';
import { addFinding } from './findings';
import type { ScanContext } from './findings';

/**
 * IBAN detection: a known country code, two check digits, the national part (upper-case
 * letters and digits) to the exact length of that country, written compact or in groups of
 * four separated by single spaces, and a valid ISO 13616 mod-97 checksum.
 *
 * `ibanChecksumValid` is re-exported from the module index; the rest is internal.
 */

/** IBAN length by country (ISO 13616 registry). */
// prettier-ignore
export const IBAN_LENGTHS: Readonly<Record<string, number>> = Object.freeze({
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22,
  IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15,
  PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19,
  SK: 24, SM: 27, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
});

/**
 * Whether `iban` (compact: no spaces, upper case) has a valid mod-97 checksum: the first
 * four characters moved to the end, letters replaced by 10..35, the number modulo 97 is 1.
 */
export function ibanChecksumValid(iban: string): boolean {
  if (iban.length < 5) return false;
  let rem = 0;
  for (let k = 0; k < iban.length; k++) {
    const c = iban.charCodeAt((k + 4) % iban.length);
    if (isDigit(c)) {
      rem = (rem * 10 + (c - 0x30)) % 97;
    } else if (isUpper(c)) {
      rem = (rem * 100 + (c - 0x41 + 10)) % 97;
    } else {
      return false;
    }
  }
  return rem === 1;
}

/** Detector for a candidate starting with two upper-case letters and two digits. */
export function detectIban(ctx: ScanContext, at: number): number {
  const { text } = ctx;
  if (!isDigit(text.charCodeAt(at + 2)) || !isDigit(text.charCodeAt(at + 3))) return at;
  const length = IBAN_LENGTHS[text.slice(at, at + 2)];
  if (length === undefined) return at;
  let compact = '';
  let spaced: boolean | undefined;
  let i = at;
  while (compact.length < length) {
    const c = text.charCodeAt(i);
    if (!isUpperAlnum(c)) return at;
    compact += text[i];
    i++;
    if (compact.length % 4 === 0 && compact.length < length) {
      const sep = text.charCodeAt(i);
      const isSep = (sep === SPACE || sep === NBSP) && isUpperAlnum(text.charCodeAt(i + 1));
      if (spaced === undefined) spaced = isSep;
      if (isSep !== spaced) return at;
      if (isSep) i++;
    }
  }
  if (isWordChar(text.charCodeAt(i))) return at;
  if (!ibanChecksumValid(compact)) return at;
  return addFinding(ctx, at, i, 'iban');
}
