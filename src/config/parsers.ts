import {
  ConfigInvalidBooleanError,
  ConfigInvalidEnumError,
  ConfigInvalidHeadersError,
  ConfigInvalidKeyValueListError,
  ConfigInvalidNumberError,
  ConfigInvalidOptionTypeError,
  ConfigInvalidPathListError,
  ConfigInvalidRateError,
  ConfigInvalidSeverityRatesError,
  ConfigInvalidUrlError,
  ConfigUnknownInstrumentationError,
} from '../base/errors';
import type { ConfigErrorDetails } from '../base/errors';
import { redactUrl } from '../base/redact-url';
import { cut, safeStringify } from '../base/text';

/**
 * Value parsers for configuration. Each takes a raw value (a string from the environment or
 * whatever a caller passed as an option) and returns the typed value or throws a ConfigError
 * from the catalogue. They never echo the value of a secret setting.
 */

/** Where a value came from and what replaces it if it is invalid. */
export interface ParseContext {
  readonly source: string;
  readonly fallback: string;
  readonly secret: boolean;
}

export type Parser<T> = (raw: unknown, ctx: ParseContext) => T;

const MAX_SHOWN = 64;

/** @param show makes a string value safe to echo (e.g. {@link redactUrl}) before truncation. */
function details(
  raw: unknown,
  ctx: ParseContext,
  expected: string,
  show: (text: string) => string = (text) => text,
): ConfigErrorDetails {
  let shownValue: string | undefined;
  if (!ctx.secret) {
    const text = typeof raw === 'string' ? show(raw) : safeStringify(raw, { maxLength: MAX_SHOWN });
    shownValue = cut(text, MAX_SHOWN);
  }
  return { source: ctx.source, shownValue, expected, fallback: ctx.fallback };
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

export const parseBoolean: Parser<boolean> = (raw, ctx) => {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') {
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  throw new ConfigInvalidBooleanError(details(raw, ctx, 'true or false (also on/off, 1/0)'));
};

/** A finite number within [min, max]; `integer` rejects fractions. */
export function numberParser(opts: { min: number; max: number; integer: boolean }): Parser<number> {
  const expected = `${opts.integer ? 'an integer' : 'a number'} from ${opts.min} to ${opts.max}`;
  return (raw, ctx) => {
    const value = toNumber(raw);
    if (
      value === undefined ||
      value < opts.min ||
      value > opts.max ||
      (opts.integer && !Number.isInteger(value))
    ) {
      throw new ConfigInvalidNumberError(details(raw, ctx, expected));
    }
    return value;
  };
}

function toNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const value = Number(raw.trim());
  return Number.isFinite(value) ? value : undefined;
}

export const parseRate: Parser<number> = (raw, ctx) => {
  const value = toNumber(raw);
  if (value === undefined || value < 0 || value > 1) {
    throw new ConfigInvalidRateError(details(raw, ctx, 'a number from 0 to 1'));
  }
  return value;
};

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** A byte size: a number of bytes, or with a unit (`64MiB`, `512 KB`). */
export function bytesParser(opts: { min: number; max: number }): Parser<number> {
  const expected = `a size from ${opts.min} to ${opts.max} bytes, e.g. 67108864 or 64MiB`;
  return (raw, ctx) => {
    let value: number | undefined;
    if (typeof raw === 'number') value = Number.isFinite(raw) ? raw : undefined;
    else if (typeof raw === 'string') {
      const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
      const unit = match ? SIZE_UNITS[match[2]!.toLowerCase()] : undefined;
      if (match && unit !== undefined) value = Math.floor(Number(match[1]) * unit);
    }
    if (value === undefined || value < opts.min || value > opts.max) {
      throw new ConfigInvalidNumberError(details(raw, ctx, expected));
    }
    return value;
  };
}

/** One of `values`; strings from the environment are matched case-insensitively. */
export function enumParser<T extends string>(values: readonly T[]): Parser<T> {
  const expected = `one of ${values.join(', ')}`;
  return (raw, ctx) => {
    if (typeof raw === 'string') {
      const word = raw.trim().toLowerCase();
      const found = values.find((v) => v.toLowerCase() === word);
      if (found !== undefined) return found;
    }
    throw new ConfigInvalidEnumError(details(raw, ctx, expected));
  };
}

/** A non-empty string, trimmed. */
export const parseString: Parser<string> = (raw, ctx) => {
  if (typeof raw === 'string' && raw.trim() !== '') return raw.trim();
  throw new ConfigInvalidOptionTypeError(details(raw, ctx, 'a non-empty string'));
};

/** An absolute http: or https: URL, returned without a trailing slash. */
export const parseHttpUrl: Parser<string> = (raw, ctx) => {
  if (typeof raw === 'string') {
    let url: URL | undefined;
    try {
      url = new URL(raw.trim());
    } catch {
      url = undefined;
    }
    if (url && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '') {
      return url.href.replace(/\/+$/, '');
    }
  }
  // A URL may hold credentials even when it is malformed: echo it redacted.
  throw new ConfigInvalidUrlError(
    details(raw, ctx, 'an absolute http:// or https:// URL', redactUrl),
  );
};

// RFC 9110 token characters: what a header name may contain.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Header values may not contain control characters other than tab.
// eslint-disable-next-line no-control-regex
const HEADER_VALUE_BAD = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * Headers: from the environment, `name=value,name2=value2` with percent-encoded values
 * (the W3C-baggage-like form of `OTEL_EXPORTER_OTLP_HEADERS`); as an option, a record.
 * Header values are secrets (they usually carry credentials) and are never echoed.
 */
export const parseHeaders: Parser<Record<string, string>> = (raw, ctx) => {
  const secretCtx = { ...ctx, secret: true };
  const expected = 'name=value pairs separated by commas, values percent-encoded';
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const add = (name: string, value: string): boolean => {
    if (!HEADER_NAME.test(name) || HEADER_VALUE_BAD.test(value)) return false;
    out[name.toLowerCase()] = value;
    return true;
  };
  if (typeof raw === 'string') {
    for (const entry of raw.split(',')) {
      if (entry.trim() === '') continue;
      const eq = entry.indexOf('=');
      const value = eq > 0 ? decodePercent(entry.slice(eq + 1).trim()) : undefined;
      if (value === undefined || !add(entry.slice(0, eq).trim(), value)) {
        throw new ConfigInvalidHeadersError(details(raw, secretCtx, expected));
      }
    }
    return { ...out };
  }
  if (isPlainRecord(raw)) {
    for (const [name, value] of Object.entries(raw)) {
      if (typeof value !== 'string' || !add(name, value)) {
        throw new ConfigInvalidHeadersError(details(raw, secretCtx, 'a record of header strings'));
      }
    }
    return { ...out };
  }
  throw new ConfigInvalidHeadersError(details(raw, secretCtx, expected));
};

/** `key=value,key2=value2` (OTEL_RESOURCE_ATTRIBUTES); as an option, a record of strings. */
export const parseKeyValueList: Parser<Record<string, string>> = (raw, ctx) => {
  const expected = 'key=value pairs separated by commas, values percent-encoded';
  const out: Record<string, string> = {};
  if (typeof raw === 'string') {
    for (const entry of raw.split(',')) {
      if (entry.trim() === '') continue;
      const eq = entry.indexOf('=');
      const key = eq > 0 ? entry.slice(0, eq).trim() : '';
      const value = eq > 0 ? decodePercent(entry.slice(eq + 1).trim()) : undefined;
      if (key === '' || value === undefined) {
        throw new ConfigInvalidKeyValueListError(details(raw, ctx, expected));
      }
      out[key] = value;
    }
    return out;
  }
  if (isPlainRecord(raw) && Object.values(raw).every((v) => typeof v === 'string')) {
    return { ...(raw as Record<string, string>) };
  }
  throw new ConfigInvalidKeyValueListError(details(raw, ctx, 'a record of strings'));
};

function decodePercent(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A list of names from `known`: comma-separated in the environment, an array as an option. */
export function nameListParser(known: readonly string[]): Parser<string[]> {
  return listParser({
    expected: `names from: ${known.join(', ')}`,
    valid: (name) => known.includes(name),
    error: ConfigUnknownInstrumentationError,
  });
}

/** What a comma-separated list setting accepts, and the error a bad entry raises. */
interface ListRule {
  readonly expected: string;
  /** Whether one entry (a trimmed, non-empty string) is acceptable. */
  readonly valid: (entry: string) => boolean;
  readonly error: new (details: ConfigErrorDetails) => Error;
}

/**
 * A list: comma-separated in the environment, an array as an option. Entries are trimmed;
 * empty ones are skipped, duplicates dropped; one entry that is not a string or not valid
 * rejects the whole value.
 */
function listParser(rule: ListRule): Parser<string[]> {
  return (raw, ctx) => {
    let entries: unknown[] | undefined;
    if (typeof raw === 'string') entries = raw.split(',');
    else if (Array.isArray(raw)) entries = raw;
    const list: string[] = [];
    for (const entry of entries ?? []) {
      const trimmed = typeof entry === 'string' ? entry.trim() : undefined;
      if (trimmed === undefined || (trimmed !== '' && !rule.valid(trimmed))) {
        throw new rule.error(details(raw, ctx, rule.expected));
      }
      if (trimmed !== '') list.push(trimmed);
    }
    if (entries === undefined) throw new rule.error(details(raw, ctx, rule.expected));
    return [...new Set(list)];
  };
}

// A path as an HTTP request target starts: `/`, then no whitespace, query or fragment; a `*` only
// at the end (a prefix).
const PATH_PATTERN = /^\/[^\s?#*]*\*?$/;

/**
 * URL paths: comma-separated in the environment, an array as an option. Each is an exact path
 * (`/healthz`) or, ending with `*`, a prefix (`/internal/*`). Empty entries are skipped;
 * duplicates are dropped.
 */
export const parsePathList: Parser<string[]> = listParser({
  expected: 'paths starting with /, separated by commas; a trailing * makes a prefix',
  valid: (path) => PATH_PATTERN.test(path),
  error: ConfigInvalidPathListError,
});

/**
 * Attribute names (`tenant.tier,feature`): comma-separated in the environment, an array of
 * strings as an option. Names are trimmed; empty entries are skipped, duplicates dropped.
 */
export const parseAttributeNames: Parser<string[]> = listParser({
  expected: 'attribute names (an array of strings, or separated by commas)',
  valid: () => true,
  error: ConfigInvalidOptionTypeError,
});

export const SAMPLED_SEVERITIES = ['TRACE', 'DEBUG', 'INFO', 'WARN'] as const;
type SampledSeverityName = (typeof SAMPLED_SEVERITIES)[number];

/**
 * Severity rates: `DEBUG=0.05,INFO=0.2` in the environment, a record as an option. Missing
 * severities keep their defaults. ERROR and FATAL may only be given as 1: they are always kept.
 */
export function severityRatesParser(
  defaults: Readonly<Record<SampledSeverityName, number>>,
): Parser<Record<SampledSeverityName, number>> {
  const expected = 'SEVERITY=rate pairs (TRACE, DEBUG, INFO, WARN; rates 0..1; ERROR/FATAL only 1)';
  return (raw, ctx) => {
    const out = { ...defaults };
    let entries: [string, unknown][] | undefined;
    if (typeof raw === 'string') {
      entries = [];
      for (const part of raw.split(',')) {
        if (part.trim() === '') continue;
        const eq = part.indexOf('=');
        if (eq <= 0) {
          entries = undefined;
          break;
        }
        entries.push([part.slice(0, eq).trim(), part.slice(eq + 1).trim()]);
      }
    } else if (isPlainRecord(raw)) {
      entries = Object.entries(raw);
    }
    if (entries === undefined)
      throw new ConfigInvalidSeverityRatesError(details(raw, ctx, expected));
    for (const [name, value] of entries) {
      const severity = name.toUpperCase();
      const rate = toNumber(value);
      if (rate === undefined || rate < 0 || rate > 1) {
        throw new ConfigInvalidSeverityRatesError(details(raw, ctx, expected));
      }
      if (severity === 'ERROR' || severity === 'FATAL') {
        if (rate !== 1) throw new ConfigInvalidSeverityRatesError(details(raw, ctx, expected));
        continue;
      }
      if (!(SAMPLED_SEVERITIES as readonly string[]).includes(severity)) {
        throw new ConfigInvalidSeverityRatesError(details(raw, ctx, expected));
      }
      out[severity as SampledSeverityName] = rate;
    }
    return out;
  };
}
