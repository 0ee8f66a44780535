import type { AttributeValue, Attributes } from '@opentelemetry/api';
import type { AttributeBounds } from './bounds';
import { logCounters } from './counters';
import { cut, safeString, safeStringify } from '../../src/base/text';

/** Options of {@link flattenFields}. */
export interface FlattenOptions {
  readonly bounds: AttributeBounds;
  /** Top-level keys not to copy (the logger's own fields: level, time, msg, …). */
  readonly skip?: ReadonlySet<string>;
}

/**
 * Copies the structured fields of a log call into `target` as OTel attributes: nested objects
 * become dotted keys up to `maxDepth`, deeper ones JSON strings; strings are bounded and made
 * well-formed; Errors become `exception.*` (the first one) or `key.type/message`; Buffers a
 * size note. Never throws: a field whose getter throws is skipped.
 */
export function flattenFields(target: Attributes, fields: object, options: FlattenOptions): void {
  const state = flattenState(target, options.bounds);
  state.seen.add(fields);
  walk(state, fields, '', 1, options.skip);
}

// The parts of a serialised error that become exception.* (its other fields stay under its key).
const EXCEPTION_PARTS: ReadonlySet<string> = new Set(['name', 'message', 'stack']);

/**
 * Copies an error a logger has already serialised (bunyan's `err` serializer makes
 * `{ message, name, stack, code, signal }`) into `target` like an Error field: its name, message
 * and stack as `exception.*`, its other fields under `key.` (`err.code`). Never throws.
 */
export function flattenSerializedError(
  target: Attributes,
  key: string,
  error: object,
  bounds: AttributeBounds,
): void {
  const state = flattenState(target, bounds);
  state.seen.add(error);
  state.exceptionSet = true;
  putException(state, 'exception.', error);
  // Depth 2: as if flattened from `{ [key]: error }`.
  walk(state, error, key + '.', 2, EXCEPTION_PARTS);
}

function flattenState(target: Attributes, bounds: AttributeBounds): FlattenState {
  return {
    target,
    bounds,
    count: countKeys(target),
    exceptionSet: target['exception.type'] !== undefined,
    seen: new WeakSet<object>(),
  };
}

interface FlattenState {
  readonly target: Attributes;
  readonly bounds: AttributeBounds;
  count: number;
  exceptionSet: boolean;
  readonly seen: WeakSet<object>;
}

function countKeys(target: Attributes): number {
  let n = 0;
  for (const _ in target) n++;
  return n;
}

function walk(
  state: FlattenState,
  fields: object,
  prefix: string,
  depth: number,
  skip: ReadonlySet<string> | undefined,
): void {
  let keys: string[];
  try {
    keys = Object.keys(fields);
  } catch {
    return; // a Proxy whose ownKeys trap throws
  }
  for (const key of keys) {
    if (skip !== undefined && skip.has(key)) continue;
    let value: unknown;
    try {
      value = (fields as Record<string, unknown>)[key];
    } catch {
      continue;
    }
    addField(state, prefix + key, value, depth);
  }
}

/** Adds one field (and, for objects, its children). */
function addField(state: FlattenState, key: string, value: unknown, depth: number): void {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return;
  if (value instanceof Error) {
    addError(state, key, value);
    return;
  }
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    if (ArrayBuffer.isView(value)) {
      put(state, key, `[${value.constructor.name} ${value.byteLength} bytes]`);
      return;
    }
    if (Array.isArray(value)) {
      put(state, key, arrayValue(value, state.bounds));
      return;
    }
    if (state.seen.has(value)) {
      put(state, key, '[Circular]');
      return;
    }
    if (depth >= state.bounds.maxDepth) {
      put(state, key, safeStringify(value, { maxLength: state.bounds.maxStringLength }));
      return;
    }
    state.seen.add(value);
    walk(state, value, key + '.', depth + 1, undefined);
    return;
  }
  put(state, key, scalar(value, state.bounds));
}

function addError(state: FlattenState, key: string, error: Error): void {
  // The first Error of a record is *the* exception (semantic conventions); others keep their key.
  const base = state.exceptionSet ? key + '.' : 'exception.';
  state.exceptionSet = true;
  putException(state, base, error);
}

/** `<base>type`, `<base>message` and `<base>stacktrace` (bounded four times longer) of an error. */
function putException(state: FlattenState, base: string, error: object): void {
  const max = state.bounds.maxStringLength;
  put(state, base + 'type', cut(safeString(readSafely(error, 'name') ?? 'Error'), max));
  put(state, base + 'message', cut(safeString(readSafely(error, 'message') ?? ''), max));
  const stack = readSafely(error, 'stack');
  if (typeof stack === 'string') put(state, base + 'stacktrace', cut(stack, max * 4));
}

function readSafely(error: object, name: 'name' | 'message' | 'stack'): unknown {
  try {
    return (error as Record<string, unknown>)[name];
  } catch {
    return undefined;
  }
}

function scalar(value: unknown, bounds: AttributeBounds): AttributeValue {
  switch (typeof value) {
    case 'string':
      return cut(value, bounds.maxStringLength);
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    default:
      if (value instanceof Date) {
        const time = value.getTime();
        return Number.isNaN(time) ? 'Invalid Date' : value.toISOString();
      }
      return value === null ? 'null' : cut(safeString(value), bounds.maxStringLength);
  }
}

/** Arrays of one primitive type stay arrays (bounded); anything else becomes a JSON string. */
function arrayValue(array: unknown[], bounds: AttributeBounds): AttributeValue {
  if (array.length <= bounds.maxCount) {
    const first = typeof array[0];
    if (
      (first === 'string' || first === 'number' || first === 'boolean') &&
      array.every((v) => typeof v === first)
    ) {
      return first === 'string'
        ? (array as string[]).map((s) => cut(s, bounds.maxStringLength))
        : (array as number[] | boolean[]);
    }
  }
  return safeStringify(array, { maxLength: bounds.maxStringLength });
}

function put(state: FlattenState, key: string, value: AttributeValue): void {
  if (state.target[key] === undefined) {
    if (state.count >= state.bounds.maxCount) {
      logCounters.fieldsDropped++;
      return;
    }
    state.count++;
  }
  state.target[key] = value;
}
