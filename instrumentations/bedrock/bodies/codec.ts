/**
 * What `InvokeModel` needs of a model family's JSON bodies (the request, the response, and the
 * chunks of `InvokeModelWithResponseStream`): one codec per family, in this folder.
 */
import type { Attributes } from '@opentelemetry/api';
import type { ChatMessage, ContentCapture, GenAiCall } from '../../genai';
import type { Json } from '../../genai/narrow';

/** Reads the decoded chunks of one stream (one reader per stream). */
export interface ChunkReader {
  /** One chunk's JSON body, in order. Must not throw. */
  read(chunk: Json): void;
  /** Called once before the call ends: turns what was accumulated into call fields. */
  end(): void;
}

/** A model family's bodies, as the `InvokeModel` adapters read them. */
export interface BodyCodec {
  /** `gen_ai.operation.name` of a request with this body (`chat`, `text_completion`, …). */
  operation(body: Json): string;
  /** `gen_ai.request.*` attributes of the request body. */
  requestAttributes(body: Json): Attributes;
  /** Records the request's content on the call (only called when capture is on). */
  captureInput(call: GenAiCall, body: Json, content: ContentCapture): void;
  /** Fills the call from a complete response body. */
  readResponse(call: GenAiCall, body: Json, content: ContentCapture | undefined): void;
  /** A reader for one stream's chunk bodies. */
  chunkReader(call: GenAiCall, content: ContentCapture | undefined): ChunkReader;
  /**
   * The first bytes of a stream chunk that carries only content (a text or tool-input delta,
   * the bulk of a stream): with content capture off such a chunk is not decoded at all. A chunk
   * that merely does not start this way is decoded and read as usual.
   */
  readonly contentOnlyPrefix?: Uint8Array;
}

/** The UTF-8 bytes of `text`, for {@link BodyCodec.contentOnlyPrefix}. */
export function prefixBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Whether `bytes` starts with `prefix`. */
export function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** A prompt string as the one user message of `gen_ai.input.messages`. */
export function promptMessages(prompt: unknown, content: ContentCapture): string | undefined {
  if (typeof prompt !== 'string') return undefined;
  const message: ChatMessage = {
    role: 'user',
    parts: [{ type: 'text', content: content.text(prompt) }],
  };
  return content.json([message]);
}

/** Generated text as the one assistant message of `gen_ai.output.messages`. */
export function completionMessages(
  text: string,
  finishReason: string | undefined,
  content: ContentCapture,
): string {
  const message: ChatMessage = {
    role: 'assistant',
    parts: [{ type: 'text', content: content.text(text) }],
  };
  if (finishReason !== undefined) message.finish_reason = finishReason;
  return content.json([message]);
}

/**
 * Accumulates streamed text for content capture: nothing when capture is off, and never more
 * than can reach the span (one piece over marks the cut).
 */
export class TextAccumulator {
  text = '';
  private readonly limit: number;

  constructor(readonly content: ContentCapture | undefined) {
    this.limit = content === undefined ? -1 : content.keepChars;
  }

  add(piece: unknown): void {
    if (typeof piece === 'string' && this.text.length <= this.limit) this.text += piece;
  }
}
