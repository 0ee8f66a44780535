import type { Attributes } from '@opentelemetry/api';

/** Sets `key` when `value` is a finite number (request parameters are often absent). */
export function setNumber(attributes: Attributes, key: string, value: unknown): void {
  if (typeof value === 'number' && Number.isFinite(value)) attributes[key] = value;
}

/** Sets `key` to a string array from a string or an array of strings (stop sequences). */
export function setStringArray(attributes: Attributes, key: string, value: unknown): void {
  if (typeof value === 'string') attributes[key] = [value];
  else if (Array.isArray(value)) {
    const strings = value.filter((v): v is string => typeof v === 'string');
    if (strings.length > 0) attributes[key] = strings;
  }
}
