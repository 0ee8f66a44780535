import { createRedactor } from '../../src/redaction';
import type { RedactionOptions, Redactor } from '../../src/redaction';

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

export const DEFAULT_MAX_CONTENT_CHARS = 16_384;
// Redact a little past the cut so a secret straddling it is still recognised and removed.
const REDACTION_MARGIN = 512;

/**
 * Prepares captured text for a span: redacted first (so truncation cannot expose half a secret
 * that redaction would have recognised), then cut to `maxChars` with a marker.
 */
export class ContentCapture {
  readonly maxChars: number;
  private readonly redact: Redactor;

  constructor(options: ContentCaptureOptions = {}) {
    const max = options.maxChars;
    this.maxChars =
      typeof max === 'number' && Number.isInteger(max) && max > 0 ? max : DEFAULT_MAX_CONTENT_CHARS;
    this.redact = createRedactor(options.redaction);
  }

  /** Redacted, truncated text. Non-strings become their JSON (or `String`) form first. */
  text(value: unknown): string {
    const raw = typeof value === 'string' ? value : safeStringify(value);
    const head =
      raw.length > this.maxChars + REDACTION_MARGIN
        ? raw.slice(0, this.maxChars + REDACTION_MARGIN)
        : raw;
    const redacted = this.redact(head);
    if (redacted.length <= this.maxChars && head.length === raw.length) return redacted;
    if (redacted.length <= this.maxChars) return redacted + TRUNCATED;
    return redacted.slice(0, this.maxChars) + TRUNCATED;
  }

  /** JSON of messages or parts, every string inside already passed through {@link text}. */
  json(value: unknown): string {
    return safeStringify(value);
  }
}

/** Appended to a cut string. */
export const TRUNCATED = '…[truncated]';

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
