import type { Attributes } from '@opentelemetry/api';
import type { AttributeBounds } from '../logs-common/bounds';
import { flattenFields } from '../logs-common/attributes';
import { NUMERIC_LEVEL_NAMES } from '../logs-common/severity';
import { hasFormatSpecifier } from '../../src/sampling/printf-template';
import type { PinoLogger } from './types';

/** What a level method's arguments say before pino formats them. */
export interface CallShape {
  /** The message argument as given (before interpolation), if it is a string. */
  message: string;
  /** The message, when it is a printf template filled by further arguments. */
  template: string | undefined;
}

/**
 * Reads `(mergeObject?, message?, ...interpolation)` the way pino's level methods do, without
 * formatting anything (deciding on this is what makes a dropped line cheap), into `out`: one
 * scratch object per instrumentation, no allocation per line.
 */
export function readCallShape(args: readonly unknown[], out: CallShape): void {
  const first = args[0];
  const msgIndex = first === undefined || (typeof first === 'object' && first !== null) ? 1 : 0;
  const msg = args[msgIndex];
  if (typeof msg !== 'string') {
    const fallback = first instanceof Error ? first.message : '';
    out.message = typeof fallback === 'string' ? fallback : '';
    out.template = undefined;
    return;
  }
  out.message = msg;
  out.template = args.length > msgIndex + 1 && hasFormatSpecifier(msg) ? msg : undefined;
}

/** Whether `value` is a stream or destination that pino accepts in place of options. */
export function isDestination(value: unknown): boolean {
  if (typeof value === 'string') return true;
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { write?: unknown; writable?: unknown; _writableState?: unknown };
  return (
    typeof v.write === 'function' || v.writable !== undefined || v._writableState !== undefined
  );
}

/**
 * Severity text is the level as the source names it (OTel data model): the logger's label
 * (custom levels included), else pino's standard name, else the number.
 */
export function pinoSeverityText(logger: PinoLogger, level: number): string {
  const label = logger.levels?.labels?.[level];
  if (typeof label === 'string') return label;
  return NUMERIC_LEVEL_NAMES[level] ?? String(level);
}

// pid and hostname are resource attributes already; repeating them per record is waste.
const SKIPPED_BINDINGS: ReadonlySet<string> = new Set(['pid', 'hostname']);

interface BindingsCacheEntry {
  readonly source: string;
  readonly fields: object | undefined;
}
const bindingsCache = new WeakMap<object, BindingsCacheEntry>();

/**
 * Child-logger bindings (`logger.child({ requestId })`) become attributes too. pino keeps them
 * as a JSON fragment; it is parsed once per logger, not per line.
 */
export function addBindings(
  attributes: Attributes,
  logger: PinoLogger,
  chindingsSym: symbol,
  bounds: AttributeBounds,
): void {
  const source = logger[chindingsSym];
  if (typeof source !== 'string' || source.length === 0) return;
  let entry = bindingsCache.get(logger);
  if (entry === undefined || entry.source !== source) {
    let fields: object | undefined;
    try {
      fields = JSON.parse('{' + source.slice(1) + '}') as object;
    } catch {
      fields = undefined;
    }
    entry = { source, fields };
    bindingsCache.set(logger, entry);
  }
  if (entry.fields !== undefined) {
    flattenFields(attributes, entry.fields, { bounds, skip: SKIPPED_BINDINGS });
  }
}
