import { createRedactor } from '../../src/redaction';
import type { RedactionOptions, Redactor } from '../../src/redaction';
import { cut, safeStringify } from '../../src/base/text';
import { asObject, asString } from './narrow';

/** Options of content capture (opt-in). */
export interface ContentCaptureOptions {
  /** Longest captured string, in characters, per text part or tool argument. Default 16384. */
  readonly maxChars?: number;
  /** Redaction settings (built-in detectors are all on by default). */
  readonly redaction?: RedactionOptions;
}

/** A part of a message in the GenAI semantic-convention message shape. */
export type MessagePart =
  | { type: 'text'; content: string }
  | { type: 'reasoning'; content: string }
  | { type: 'tool_call'; id?: string; name: string; arguments?: string }
  | { type: 'tool_call_response'; id?: string; response: string }
  | { type: string; [key: string]: unknown };

/** An input or output message in the GenAI semantic-convention shape. */
export interface ChatMessage {
  role: string;
  parts: MessagePart[];
  name?: string;
  finish_reason?: string;
}

const DEFAULT_MAX_CONTENT_CHARS = 16_384;
/** Characters past the cut that are still redacted, so a secret straddling it is recognised. */
const REDACTION_MARGIN = 512;

/**
 * Prepares captured text for a span: redacted first (so truncation cannot expose half a secret
 * that redaction would have recognised), then cut to `maxChars` with a marker.
 *
 * @throws TypeError when `options.redaction` is invalid (see `createRedactor`).
 */
export class ContentCapture {
  readonly maxChars: number;
  /**
   * The most characters of one string that can influence what reaches a span (`maxChars` plus
   * the redaction margin): text accumulated from a stream may stop growing once it is longer.
   */
  readonly keepChars: number;
  private readonly redact: Redactor;

  constructor(options: ContentCaptureOptions = {}) {
    const max = options.maxChars;
    this.maxChars =
      typeof max === 'number' && Number.isInteger(max) && max > 0 ? max : DEFAULT_MAX_CONTENT_CHARS;
    this.keepChars = this.maxChars + REDACTION_MARGIN;
    this.redact = createRedactor(options.redaction);
  }

  /** Redacted, truncated text. Non-strings become their JSON (or `String`) form first. */
  text(value: unknown): string {
    const raw = typeof value === 'string' ? value : stringifyContent(value);
    const head = raw.length > this.keepChars ? cut(raw, this.keepChars, '') : raw;
    const redacted = this.redact(head);
    if (redacted.length <= this.maxChars) {
      return head.length === raw.length ? redacted : redacted + TRUNCATED;
    }
    return cut(redacted, this.maxChars, '') + TRUNCATED;
  }

  /** JSON of messages or parts, every string inside already passed through {@link text}. */
  json(value: unknown): string {
    return stringifyContent(value);
  }
}

/** Appended to a cut string. */
export const TRUNCATED = '…[truncated]';

/**
 * The concatenated `text` of an array of content parts (`[{ type: 'text', text }]`); any other
 * value is returned as it is.
 */
export function partsText(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  let text = '';
  for (const part of value) {
    const t = asString(asObject(part)?.text);
    if (t !== undefined) text += t;
  }
  return text;
}

/**
 * JSON of captured values. Every string inside is already cut by {@link ContentCapture.text},
 * so the whole is not cut again; the depth and width bounds only guard against odd values.
 */
function stringifyContent(value: unknown): string {
  return safeStringify(value, {
    maxLength: Number.MAX_SAFE_INTEGER,
    maxDepth: 32,
    maxEntries: 10_000,
  });
}
