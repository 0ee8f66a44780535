import type { Attributes } from '@opentelemetry/api';
import type { AttributeBounds } from '../logs-common/bounds';
import { flattenFields } from '../logs-common/attributes';
import { boundString, safeString } from '../logs-common/stringify';
import { TRACE_FIELD_NAMES } from '../logs-common/trace-fields';

/** A bunyan record: core fields plus the logger's and the call's fields. */
export interface BunyanRecord {
  level?: unknown;
  msg?: unknown;
  time?: unknown;
  err?: unknown;
  [key: string]: unknown;
}

// The core fields are the record itself (severity, body, time) or resource attributes.
const SKIPPED: ReadonlySet<string> = new Set([
  'name',
  'hostname',
  'pid',
  'level',
  'msg',
  'time',
  'v',
  'err',
  ...TRACE_FIELD_NAMES,
]);

/** The record's fields as attributes; `err` (serialised or not) as `exception.*`. */
export function bunyanAttributes(rec: BunyanRecord, bounds: AttributeBounds): Attributes {
  const attributes: Attributes = {};
  const err = rec.err;
  if (err instanceof Error) flattenFields(attributes, { err }, { bounds });
  else if (typeof err === 'object' && err !== null) {
    // bunyan's err serializer makes { message, name, stack, code, signal }.
    const { name, message, stack, ...rest } = err as Record<string, unknown>;
    const max = bounds.maxStringLength;
    attributes['exception.type'] = boundString(typeof name === 'string' ? name : 'Error', max);
    attributes['exception.message'] = boundString(
      message === undefined ? '' : safeString(message),
      max,
    );
    if (typeof stack === 'string') attributes['exception.stacktrace'] = boundString(stack, max * 4);
    flattenFields(attributes, { err: rest }, { bounds });
  } else if (err !== undefined) flattenFields(attributes, { err }, { bounds });
  flattenFields(attributes, rec, { bounds, skip: SKIPPED });
  return attributes;
}

/** The record time in milliseconds, when bunyan set one. */
export function bunyanTime(rec: BunyanRecord): number | undefined {
  const time = rec.time;
  if (time instanceof Date) {
    const ms = time.getTime();
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}
