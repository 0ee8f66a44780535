/**
 * Text the SDK makes out of values it does not control (logged fields, captured arguments,
 * option values in error messages, diagnostics): bounded, well-formed, and made without ever
 * throwing, whatever the value holds (cycles, BigInt, getters that throw, lone surrogates,
 * megabytes). One implementation for the whole product.
 */

/** Appended where text was cut. */
export const ELLIPSIS = '…';

/** ES2024 string methods (Node 20+); the project's lib setting is ES2023. */
interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/**
 * `text` cut to `max` UTF-16 code units, never between the halves of a surrogate pair (one unit
 * fewer then), followed by `marker` when it was cut; and well-formed (a lone surrogate becomes
 * U+FFFD), so it survives any UTF-8 encoder.
 */
export function cut(text: string, max: number, marker: string = ELLIPSIS): string {
  let out = text;
  if (out.length > max) {
    let end = max;
    const code = out.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end -= 1; // do not keep half a pair
    out = out.slice(0, end) + marker;
  }
  const wellFormed = out as unknown as WellFormedString;
  return wellFormed.isWellFormed() ? out : wellFormed.toWellFormed();
}

/** `String(value)` that never throws (a `Symbol.toPrimitive` or `toString` may). */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return '[unprintable]'; // a revoked Proxy
    }
  }
}

/** Bounds of {@link safeStringify}. */
export interface SafeStringifyOptions {
  /** The JSON is cut at this many characters ({@link ELLIPSIS} marks the cut). */
  readonly maxLength: number;
  /** Objects this deep (the value itself is depth 0) become `"[Object]"`. Default 8. */
  readonly maxDepth?: number;
  /** Arrays, objects, maps and sets keep this many entries; `"…"` marks the rest. Default 100. */
  readonly maxEntries?: number;
}

/**
 * JSON of any value, bounded and never throwing. Like `JSON.stringify` (including `toJSON`),
 * except that circular references become `"[Circular]"`, BigInt `"10n"`, functions
 * `"[Function name]"`, symbols `"Symbol(desc)"`, `undefined` `null`, non-finite numbers their
 * name, errors `{"name","message"}`, dates their ISO string (`"Invalid Date"`), Buffers and
 * typed arrays their size (`"[Buffer 12 bytes]"`, never their content), maps a list of
 * `[key, value]` pairs and sets a list; a getter that throws is `"[Getter threw]"`.
 *
 * The work is bounded as well as the result: strings longer than `maxLength` are cut before
 * they are quoted, and the walk stops once the text is longer than `maxLength`, so a huge value
 * costs about as much as a small one. The result is well-formed (see {@link cut}).
 */
export function safeStringify(value: unknown, options: SafeStringifyOptions): string {
  const writer = new JsonWriter(
    options.maxLength,
    options.maxDepth ?? 8,
    options.maxEntries ?? 100,
  );
  writer.value(value, 0, true);
  return cut(writer.out, options.maxLength);
}

/** Writes JSON text left to right; stops adding once past `limit` characters. */
class JsonWriter {
  out = '';
  /** The objects being written, outermost first: a value among them is a cycle. */
  private readonly ancestors: object[] = [];

  constructor(
    private readonly limit: number,
    private readonly maxDepth: number,
    private readonly maxEntries: number,
  ) {}

  value(value: unknown, depth: number, useToJSON: boolean): void {
    if (this.out.length > this.limit) return;
    switch (typeof value) {
      case 'string':
        // Longer than the whole budget: cut here rather than quote megabytes.
        this.out += JSON.stringify(value.length > this.limit ? cut(value, this.limit) : value);
        return;
      case 'number':
        this.out += Number.isFinite(value) ? String(value) : `"${String(value)}"`;
        return;
      case 'boolean':
        this.out += value ? 'true' : 'false';
        return;
      case 'bigint':
        this.out += `"${value.toString()}n"`;
        return;
      case 'undefined':
        this.out += 'null';
        return;
      case 'symbol':
        this.out += JSON.stringify(value.toString());
        return;
      case 'function':
        this.out += JSON.stringify(`[Function ${functionName(value)}]`);
        return;
    }
    if (value === null) {
      this.out += 'null';
      return;
    }
    const start = this.out.length;
    try {
      this.object(value as object, depth, useToJSON);
    } catch {
      // A Proxy trap, a throwing toJSON or iterator: this value only is lost.
      this.out = this.out.slice(0, start) + '"[Unserializable]"';
    }
  }

  private object(object: object, depth: number, useToJSON: boolean): void {
    const ancestors = this.ancestors;
    if (ancestors.includes(object)) {
      this.out += '"[Circular]"';
      return;
    }
    if (depth >= this.maxDepth) {
      this.out += '"[Object]"';
      return;
    }
    if (object instanceof Error) {
      ancestors.push(object);
      try {
        this.out += '{"name":';
        this.value(readSafely(object, 'name'), depth + 1, true);
        this.out += ',"message":';
        this.value(readSafely(object, 'message'), depth + 1, true);
        this.out += '}';
      } finally {
        ancestors.pop();
      }
      return;
    }
    if (object instanceof Date) {
      const time = object.getTime();
      this.out += Number.isNaN(time) ? '"Invalid Date"' : `"${object.toISOString()}"`;
      return;
    }
    if (ArrayBuffer.isView(object)) {
      this.out += JSON.stringify(`[${object.constructor.name} ${object.byteLength} bytes]`);
      return;
    }
    if (object instanceof ArrayBuffer) {
      this.out += `"[ArrayBuffer ${object.byteLength} bytes]"`;
      return;
    }
    ancestors.push(object);
    try {
      const toJSON = useToJSON ? (object as { toJSON?: unknown }).toJSON : undefined;
      if (typeof toJSON === 'function') {
        // As JSON.stringify: the value's own JSON form, written in its place (once: a toJSON
        // that returns `this` must not loop).
        this.value(toJSON.call(object, ''), depth, false);
      } else if (Array.isArray(object)) {
        this.list(object, object.length, depth);
      } else if (object instanceof Map) {
        this.list(this.entries(object.entries()), object.size, depth);
      } else if (object instanceof Set) {
        this.list(this.entries(object.values()), object.size, depth);
      } else {
        this.fields(object, depth);
      }
    } finally {
      ancestors.pop();
    }
  }

  /** The first `maxEntries` items of a map or set (pairs for a map). */
  private entries(iterator: Iterator<unknown>): unknown[] {
    const items: unknown[] = [];
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      if (items.length === this.maxEntries) break;
      items.push(next.value);
    }
    return items;
  }

  /** `items` (up to `maxEntries` of them) as a JSON array; `"…"` when `size` is larger. */
  private list(items: ArrayLike<unknown>, size: number, depth: number): void {
    this.out += '[';
    const n = Math.min(items.length, this.maxEntries);
    for (let k = 0; k < n; k++) {
      if (this.out.length > this.limit) return;
      if (k > 0) this.out += ',';
      let item: unknown;
      try {
        item = items[k];
      } catch {
        item = '[Getter threw]';
      }
      this.value(item, depth + 1, true);
    }
    if (size > this.maxEntries) this.out += n > 0 ? ',"…"' : '"…"';
    this.out += ']';
  }

  /** Own enumerable fields (up to `maxEntries`) as a JSON object; then `"…": "N more"`. */
  private fields(object: object, depth: number): void {
    const keys = Object.keys(object);
    this.out += '{';
    const n = Math.min(keys.length, this.maxEntries);
    for (let k = 0; k < n; k++) {
      if (this.out.length > this.limit) return;
      const key = keys[k] as string;
      let item: unknown;
      try {
        item = (object as Record<string, unknown>)[key];
      } catch {
        item = '[Getter threw]';
      }
      this.out += (k > 0 ? ',' : '') + JSON.stringify(key) + ':';
      this.value(item, depth + 1, true);
    }
    if (keys.length > n) this.out += `${n > 0 ? ',' : ''}"…":"${keys.length - n} more"`;
    this.out += '}';
  }
}

function readSafely(object: object, name: 'name' | 'message'): unknown {
  try {
    return (object as Record<string, unknown>)[name];
  } catch {
    return '[Getter threw]';
  }
}

function functionName(fn: unknown): string {
  try {
    const name = (fn as { name?: unknown }).name;
    return typeof name === 'string' && name !== '' ? name : 'anonymous';
  } catch {
    return 'anonymous';
  }
}
