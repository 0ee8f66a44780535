import type { Attributes } from '@opentelemetry/api';
import { format } from 'node:util';
import type { AttributeBounds } from '../logs-common/bounds';
import { flattenFields } from '../logs-common/attributes';
import { safeString } from '../../src/base/text';
import { hasFormatSpecifier } from '../../src/sampling/printf-template';
import type { ConsoleMethod } from './types';

/**
 * The patched methods. Their severity is their name's (`severityFromName`); `trace` prints a
 * stack trace on stderr: TRACE severity.
 */
export const CONSOLE_METHODS: readonly ConsoleMethod[] = [
  'log',
  'info',
  'warn',
  'error',
  'debug',
  'trace',
];

/** The first argument, when it is a printf template that later arguments fill. */
export function consoleTemplate(args: readonly unknown[]): string | undefined {
  const first = args[0];
  return args.length > 1 && typeof first === 'string' && hasFormatSpecifier(first)
    ? first
    : undefined;
}

/** What console itself prints for `args` (util.format), never throwing. */
export function consoleBody(args: readonly unknown[]): string {
  try {
    return format(...args);
  } catch {
    return args.map((a) => safeString(a)).join(' ');
  }
}

/** Errors among the arguments become `exception.*` (the first) and `error.N.*` attributes. */
export function consoleAttributes(args: readonly unknown[], bounds: AttributeBounds): Attributes {
  const attributes: Attributes = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg instanceof Error) flattenFields(attributes, { [`error.${i}`]: arg }, { bounds });
  }
  return attributes;
}
