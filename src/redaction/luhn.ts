/**
 * Luhn (mod 10) checksum used by payment card numbers.
 *
 * `luhnValid` is re-exported from the module index; nothing else here is public.
 */

/**
 * Whether the digits of `text` between `start` and `end` pass the Luhn check. Characters
 * other than `0`-`9` (group separators) are skipped. Returns `false` when there are no digits.
 */
export function luhnValid(text: string, start = 0, end = text.length): boolean {
  let sum = 0;
  let count = 0;
  for (let i = end - 1; i >= start; i--) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) continue;
    if (count % 2 === 1) {
      const doubled = d * 2;
      sum += doubled > 9 ? doubled - 9 : doubled;
    } else {
      sum += d;
    }
    count++;
  }
  return count > 0 && sum % 10 === 0;
}
