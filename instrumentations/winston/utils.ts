import type { Attributes } from '@opentelemetry/api';
import { format } from 'node:util';
import type { AttributeBounds } from '../logs-common/bounds';
import { flattenFields } from '../logs-common/attributes';
import { safeString } from '../../src/base/text';
import { countFormatSpecifiers } from '../../src/sampling/printf-template';
import { TRACE_FIELD_NAMES } from '../logs-common/trace-fields';

/** triple-beam's symbols, shared by winston, logform and every transport. */
export const LEVEL = Symbol.for('level');
export const SPLAT = Symbol.for('splat');

/** A winston info object. */
export interface WinstonInfo {
  level?: unknown;
  message?: unknown;
  [LEVEL]?: unknown;
  [SPLAT]?: unknown;
  [key: string]: unknown;
}

/**
 * How many splat arguments the message consumes as a printf template: 0 when it is no template
 * (not a string, no specifier, or no splat arguments to fill it). One scan of the message per
 * line; the body and the attributes take the count from here.
 */
export function winstonSpecifiers(info: WinstonInfo): number {
  const message = info.message;
  const splat = info[SPLAT];
  return typeof message === 'string' && Array.isArray(splat) && splat.length > 0
    ? countFormatSpecifiers(message)
    : 0;
}

/**
 * The message after interpolation, as `format.splat()` renders it: the template filled with its
 * `specifiers` splat arguments.
 */
export function winstonBody(
  info: WinstonInfo,
  template: string | undefined,
  specifiers: number,
): string {
  if (template !== undefined) {
    const splat = info[SPLAT] as unknown[];
    try {
      return format(template, ...splat.slice(0, specifiers));
    } catch {
      return template;
    }
  }
  const message = info.message;
  if (typeof message === 'string') return message;
  return message === undefined ? '' : safeString(message);
}

const SKIPPED: ReadonlySet<string> = new Set(['level', 'message', ...TRACE_FIELD_NAMES]);

/**
 * The info object's fields (meta, defaultMeta, child metadata) as attributes, plus the objects
 * after a template's arguments, which `format.splat()` merges into the line as meta.
 */
export function winstonAttributes(
  info: WinstonInfo,
  template: string | undefined,
  specifiers: number,
  bounds: AttributeBounds,
): Attributes {
  const attributes: Attributes = {};
  if (info instanceof Error) {
    flattenFields(attributes, { err: info }, { bounds });
    return attributes;
  }
  flattenFields(attributes, info, { bounds, skip: SKIPPED });
  if (template !== undefined) {
    const splat = info[SPLAT] as unknown[];
    for (let i = specifiers; i < splat.length; i++) {
      const extra = splat[i];
      if (typeof extra === 'object' && extra !== null) {
        flattenFields(attributes, extra, { bounds, skip: SKIPPED });
      }
    }
  }
  // logger.error('failed', err) leaves the error's stack on the info object as `stack`.
  const stack = attributes.stack;
  if (typeof stack === 'string' && attributes['exception.stacktrace'] === undefined) {
    attributes['exception.stacktrace'] = stack;
    delete attributes.stack;
  }
  return attributes;
}
