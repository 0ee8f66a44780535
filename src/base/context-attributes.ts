/**
 * Attributes carried by the OpenTelemetry context (what `withAttributes` sets and every span,
 * log record and GenAI metric point made inside reads): one context key, a bounded merge, and
 * the counters of what the bounds cut or dropped.
 *
 * The key is a global symbol (`Symbol.for`), so two copies of the package in one process (the
 * CommonJS and ES-module builds, or two installs) read each other's attributes, as they share
 * one context manager. Nothing here registers anything at import; `addContextAttributeMetrics`
 * adds the counters to the self-metrics when `start()` or a factory builds a processor.
 */
import type { AttributeValue, Attributes, Context } from '@opentelemetry/api';
import { selfMetrics } from './self-metrics';
import type { MetricsSource } from './self-metrics';
import { cut, ELLIPSIS } from './text';

/** At most this many attributes in one context (outer and inner together). */
export const MAX_CONTEXT_ATTRIBUTES = 32;
/**
 * String values (and each string of an array) are cut to at most this many UTF-16 code units,
 * the `…` that marks a cut included.
 */
export const MAX_CONTEXT_ATTRIBUTE_LENGTH = 256;
/** Arrays keep this many elements. */
export const MAX_CONTEXT_ATTRIBUTE_ARRAY_LENGTH = 32;
/** Keys longer than this are invalid (a key is a name, not data). */
export const MAX_CONTEXT_ATTRIBUTE_KEY_LENGTH = 256;

/** The context key; a global symbol so that every copy of the package shares it. */
const KEY = Symbol.for('sprintlens.context-attributes');

/**
 * What the bounds cut or dropped, process-wide: plain numbers bumped where attributes are set
 * (once per `withAttributes` call, never per span), read at scrape time.
 */
export const contextAttributeCounters = {
  /** Attributes dropped because the context already held {@link MAX_CONTEXT_ATTRIBUTES}. */
  tooMany: 0,
  /** Values kept but cut (a string or an array longer than its bound). */
  valueCut: 0,
  /** Attributes dropped because the key or the value is not a valid OpenTelemetry attribute. */
  invalid: 0,
};

/** The attributes `ctx` carries, or `undefined` when none were set (frozen: read, never mutate). */
export function contextAttributes(ctx: Context): Readonly<Attributes> | undefined {
  return ctx.getValue(KEY) as Readonly<Attributes> | undefined;
}

/**
 * A new context whose attributes are `ctx`'s merged with `attributes` (the new value wins for a
 * key set in both), bounded: keys must be non-empty strings, values valid OpenTelemetry
 * attribute values (a string, number or boolean, or an array of one of these types); strings
 * are cut, arrays shortened, and attributes beyond {@link MAX_CONTEXT_ATTRIBUTES} dropped. A
 * key whose value is `undefined` or `null` is left as the outer context has it. What is cut or
 * dropped is counted, never thrown: this runs in app code.
 */
export function withContextAttributes(ctx: Context, attributes: Attributes): Context {
  const merged = mergeAttributes(contextAttributes(ctx), attributes);
  return merged === undefined ? ctx : ctx.setValue(KEY, merged);
}

/**
 * `outer` merged with the valid, bounded entries of `inner` (inner wins), frozen; `undefined`
 * when `inner` adds nothing, so the caller can keep what it had. `inner` `undefined` or `null`
 * adds nothing; any other non-object is counted as invalid. Never throws (a getter or a Proxy
 * in `inner` may; what it held is then counted as invalid).
 */
export function mergeAttributes(
  outer: Readonly<Attributes> | undefined,
  inner: unknown,
): Readonly<Attributes> | undefined {
  if (inner === null || inner === undefined) return undefined;
  if (typeof inner !== 'object') {
    contextAttributeCounters.invalid++;
    return undefined;
  }
  let keys: string[];
  try {
    keys = Object.keys(inner);
  } catch {
    contextAttributeCounters.invalid++;
    return undefined;
  }
  let merged: Attributes | undefined;
  let count = outer === undefined ? 0 : Object.keys(outer).length;
  for (const key of keys) {
    let raw: unknown;
    try {
      raw = (inner as Record<string, unknown>)[key];
    } catch {
      contextAttributeCounters.invalid++;
      continue;
    }
    if (raw === undefined || raw === null) continue;
    if (key.length === 0 || key.length > MAX_CONTEXT_ATTRIBUTE_KEY_LENGTH) {
      contextAttributeCounters.invalid++;
      continue;
    }
    const value = boundedValue(raw);
    if (value === undefined) {
      contextAttributeCounters.invalid++;
      continue;
    }
    merged ??= outer === undefined ? {} : { ...outer };
    if (merged[key] === undefined) {
      if (count >= MAX_CONTEXT_ATTRIBUTES) {
        contextAttributeCounters.tooMany++;
        continue;
      }
      count++;
    }
    merged[key] = value;
  }
  return merged === undefined ? undefined : Object.freeze(merged);
}

type Primitive = 'string' | 'number' | 'boolean';

/** `raw` as a valid, bounded attribute value (counting a cut), or `undefined` if invalid. */
function boundedValue(raw: unknown): AttributeValue | undefined {
  switch (typeof raw) {
    case 'string':
      return boundedString(raw);
    case 'number':
    case 'boolean':
      return raw;
    case 'object':
      return Array.isArray(raw) ? boundedArray(raw as readonly unknown[]) : undefined;
    default:
      return undefined;
  }
}

function boundedString(text: string): string {
  if (text.length <= MAX_CONTEXT_ATTRIBUTE_LENGTH) return cut(text, MAX_CONTEXT_ATTRIBUTE_LENGTH);
  contextAttributeCounters.valueCut++;
  // The marker within the bound: a cut value is bounded already when it is merged again.
  return cut(text, MAX_CONTEXT_ATTRIBUTE_LENGTH - ELLIPSIS.length);
}

/**
 * An array of one primitive type (`null`/`undefined` elements allowed, as OpenTelemetry
 * allows them), its strings cut and its length bounded; `undefined` for a mixed array.
 */
function boundedArray(raw: readonly unknown[]): AttributeValue | undefined {
  let type: Primitive | undefined;
  for (const element of raw) {
    if (element === null || element === undefined) continue;
    const t = typeof element;
    if (t !== 'string' && t !== 'number' && t !== 'boolean') return undefined;
    if (type === undefined) type = t;
    else if (type !== t) return undefined;
  }
  let wasCut = raw.length > MAX_CONTEXT_ATTRIBUTE_ARRAY_LENGTH;
  const out = raw.slice(0, MAX_CONTEXT_ATTRIBUTE_ARRAY_LENGTH).map((element) => {
    if (typeof element !== 'string') return element;
    if (element.length <= MAX_CONTEXT_ATTRIBUTE_LENGTH) {
      return cut(element, MAX_CONTEXT_ATTRIBUTE_LENGTH);
    }
    wasCut = true;
    return cut(element, MAX_CONTEXT_ATTRIBUTE_LENGTH - ELLIPSIS.length);
  });
  if (wasCut) contextAttributeCounters.valueCut++;
  return Object.freeze(out) as AttributeValue;
}

const DROPPED = 'sprintlens_context_attributes_dropped_total';

/** The counters as a self-metrics source: one series per reason, present from the start. */
const CONTEXT_ATTRIBUTE_METRICS: MetricsSource = {
  specs: [
    {
      name: DROPPED,
      help:
        'Context attributes (withAttributes) cut or dropped by the bounds, by reason ' +
        '(too_many, value_cut, invalid).',
      type: 'counter',
    },
  ],
  collect(out) {
    out.add(DROPPED, contextAttributeCounters.tooMany, { reason: 'too_many' });
    out.add(DROPPED, contextAttributeCounters.valueCut, { reason: 'value_cut' });
    out.add(DROPPED, contextAttributeCounters.invalid, { reason: 'invalid' });
  },
};

/**
 * Adds the counters to the self-metrics; the context-attribute processors do when they are
 * built (once is enough: the counters are process-wide and never removed).
 */
export function addContextAttributeMetrics(): void {
  selfMetrics().add(CONTEXT_ATTRIBUTE_METRICS);
}
