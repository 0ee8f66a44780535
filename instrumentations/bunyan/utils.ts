import type { Attributes } from '@opentelemetry/api';
import type { AttributeBounds } from '../logs-common/bounds';
import { flattenFields, flattenSerializedError } from '../logs-common/attributes';
import { safeString } from '../../src/base/text';
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

/** The record's message (bunyan interpolated it already): the body. */
export function bunyanMessage(rec: BunyanRecord): string {
  const msg = rec.msg;
  return typeof msg === 'string' ? msg : msg === undefined ? '' : safeString(msg);
}

/** The record's fields as attributes; `err` (serialised or not) as `exception.*`. */
export function bunyanAttributes(rec: BunyanRecord, bounds: AttributeBounds): Attributes {
  const attributes: Attributes = {};
  const err = rec.err;
  if (err instanceof Error) flattenFields(attributes, { err }, { bounds });
  else if (typeof err === 'object' && err !== null) {
    flattenSerializedError(attributes, 'err', err, bounds); // bunyan's err serializer's output
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
