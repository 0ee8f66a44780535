/**
 * Anthropic Claude on Bedrock: the Messages API body (`anthropic_version: bedrock-2023-05-31`),
 * which is Anthropic's own request, message and stream events, read with the Anthropic
 * instrumentation's readers; and the legacy Text Completions body (`prompt`/`completion`).
 */
import type { Attributes } from '@opentelemetry/api';
import {
  captureInput as captureMessagesInput,
  MessageStreamObserver,
  readMessage,
  requestAttributes as messagesAttributes,
} from '../../anthropic/messages';
import type { ContentCapture, GenAiCall } from '../../genai';
import { setNumber } from '../../genai/attributes';
import { asString } from '../../genai/narrow';
import type { Json } from '../../genai/narrow';
import { ATTR_REQUEST_MAX_TOKENS } from '../../genai/semconv';
import { completionMessages, prefixBytes, promptMessages, TextAccumulator } from './codec';
import type { BodyCodec, ChunkReader } from './codec';

export const ANTHROPIC_BODIES: BodyCodec = {
  operation: (body) => (isTextCompletion(body) ? 'text_completion' : 'chat'),
  requestAttributes(body): Attributes {
    const attributes = messagesAttributes(body);
    setNumber(attributes, ATTR_REQUEST_MAX_TOKENS, body.max_tokens_to_sample);
    return attributes;
  },
  captureInput(call, body, content) {
    if (isTextCompletion(body)) call.inputMessages = promptMessages(body.prompt, content);
    else captureMessagesInput(call, body, content);
  },
  readResponse(call, body, content) {
    const completion = asString(body.completion);
    if (completion === undefined) {
      readMessage(call, body, content);
      return;
    }
    const reason = asString(body.stop_reason);
    if (reason !== undefined) call.finishReasons = [reason];
    if (content !== undefined)
      call.outputMessages = completionMessages(completion, reason, content);
  },
  chunkReader: (call, content) => new AnthropicChunks(call, content),
  // Anthropic's events lead with their type; text and tool-input deltas carry only content.
  contentOnlyPrefix: prefixBytes('{"type":"content_block_delta"'),
};

/** The legacy Text Completions body (Claude 2, Claude Instant) has a `prompt`, no `messages`. */
function isTextCompletion(body: Json): boolean {
  return typeof body.prompt === 'string' && !Array.isArray(body.messages);
}

/**
 * The chunks of a streamed Claude call: Anthropic's stream events (read by the Anthropic
 * instrumentation's observer), or the legacy `{ completion, stop_reason }` pieces.
 */
class AnthropicChunks implements ChunkReader {
  private readonly events: MessageStreamObserver;
  private readonly completion: TextAccumulator;
  private legacy = false;

  constructor(
    private readonly call: GenAiCall,
    content: ContentCapture | undefined,
  ) {
    this.events = new MessageStreamObserver(call, content);
    this.completion = new TextAccumulator(content);
  }

  read(chunk: Json): void {
    if (typeof chunk.type === 'string') {
      this.events.onChunk(chunk);
      return;
    }
    const piece = asString(chunk.completion);
    if (piece === undefined) return;
    this.legacy = true;
    this.completion.add(piece);
    const reason = asString(chunk.stop_reason);
    if (reason !== undefined) this.call.finishReasons = [reason];
  }

  end(): void {
    const content = this.completion.content;
    if (!this.legacy) {
      this.events.onEnd();
    } else if (content !== undefined) {
      this.call.outputMessages = completionMessages(
        this.completion.text,
        this.call.finishReasons?.[0],
        content,
      );
    }
  }
}
