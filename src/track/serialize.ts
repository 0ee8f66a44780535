/**
 * JSON for captured values that never throws and never grows unbounded: circular references,
 * BigInt, functions, symbols, Errors, Maps, Sets, typed arrays and very deep or wide values
 * all become something readable, and the result is cut at `maxLength` characters.
 */

/** Options of {@link safeStringify}. */
export interface SafeStringifyOptions {
  /** Cut the JSON at this many characters (an ellipsis marks the cut). */
  readonly maxLength: number;
  /** Deeper values are replaced by a placeholder. Default 8. */
  readonly maxDepth?: number;
  /** Arrays, objects, maps and sets keep at most this many entries. Default 100. */
  readonly maxEntries?: number;
}

const TRUNCATED = '…';

export function safeStringify(value: unknown, options: SafeStringifyOptions): string {
  const maxDepth = options.maxDepth ?? 8;
  const maxEntries = options.maxEntries ?? 100;
  const seen = new Set<object>();

  // Builds a JSON-safe copy, depth-first, so that JSON.stringify cannot throw on it.
  function convert(input: unknown, depth: number): unknown {
    switch (typeof input) {
      case 'string':
        // Strings longer than the whole budget are cut here, not after a huge copy.
        return input.length > options.maxLength
          ? input.slice(0, options.maxLength) + TRUNCATED
          : input;
      case 'number':
        return Number.isFinite(input) ? input : String(input);
      case 'boolean':
        return input;
      case 'bigint':
        return `${input}n`;
      case 'undefined':
        return null;
      case 'symbol':
        return input.toString();
      case 'function':
        return `[Function ${input.name || 'anonymous'}]`;
    }
    if (input === null) return null;
    const object = input as object;
    if (seen.has(object)) return '[Circular]';
    if (depth >= maxDepth) return '[Object]';
    if (object instanceof Error) {
      return { name: object.name, message: object.message };
    }
    if (object instanceof Date)
      return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
    if (ArrayBuffer.isView(object))
      return `[${object.constructor.name} ${object.byteLength} bytes]`;
    if (object instanceof ArrayBuffer) return `[ArrayBuffer ${object.byteLength} bytes]`;
    seen.add(object);
    try {
      if (Array.isArray(object)) return convertList(object, depth);
      if (object instanceof Map)
        return convertList([...object.entries()].slice(0, maxEntries + 1), depth);
      if (object instanceof Set) return convertList([...object].slice(0, maxEntries + 1), depth);
      const out: Record<string, unknown> = {};
      let count = 0;
      for (const key of Object.keys(object)) {
        if (count++ === maxEntries) {
          out[TRUNCATED] = `${Object.keys(object).length - maxEntries} more`;
          break;
        }
        let item: unknown;
        try {
          item = (object as Record<string, unknown>)[key];
        } catch {
          item = '[Getter threw]';
        }
        out[key] = convert(item, depth + 1);
      }
      return out;
    } finally {
      seen.delete(object);
    }
  }

  function convertList(list: readonly unknown[], depth: number): unknown[] {
    const out = list.slice(0, maxEntries).map((item) => convert(item, depth + 1));
    if (list.length > maxEntries) out.push(TRUNCATED);
    return out;
  }

  let json: string;
  try {
    json = JSON.stringify(convert(value, 0)) ?? 'null';
  } catch {
    json = '"[Unserializable]"';
  }
  return json.length > options.maxLength ? json.slice(0, options.maxLength) + TRUNCATED : json;
}
