/**
 * Turning arbitrary values into bounded, well-formed strings without ever throwing: logged
 * values can be circular, hold BigInts, getters that throw, lone surrogates or megabytes.
 */

const TRUNCATED = '…';

/** Cuts `text` to `max` code units (without splitting a surrogate pair) and makes it well-formed. */
export function boundString(text: string, max: number): string {
  let out = text;
  if (out.length > max) {
    let end = max;
    const code = out.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end -= 1; // do not keep half a pair
    out = out.slice(0, end) + TRUNCATED;
  }
  const wellFormed = out as unknown as WellFormedString;
  return wellFormed.isWellFormed() ? out : wellFormed.toWellFormed();
}

/** ES2024 string methods (Node 20+); the project's lib setting is ES2023. */
interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/** `JSON.stringify` that survives cycles, BigInt, Buffers and throwing getters, bounded. */
export function safeStringify(value: unknown, max: number): string {
  let text: string;
  try {
    const seen = new WeakSet<object>();
    text =
      JSON.stringify(value, function replacer(this: unknown, _key: string, v: unknown): unknown {
        if (typeof v === 'bigint') return v.toString();
        if (typeof v === 'object' && v !== null) {
          if (seen.has(v)) return '[Circular]';
          seen.add(v);
          if (v instanceof Error) return { name: v.name, message: v.message };
        }
        return v;
      }) ?? String(value);
  } catch {
    text = safeString(value);
  }
  return boundString(text, max);
}

/** `String(value)` that never throws (a Symbol.toPrimitive or toString may). */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
