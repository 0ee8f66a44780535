/**
 * Bodies of the other families (Mistral, Cohere, DeepSeek, OpenAI's open-weight models, …),
 * read only where they share common names: the usual request parameters; usage as
 * `prompt_tokens`/`completion_tokens` or `input_tokens`/`output_tokens`; finish reasons of
 * `choices` or `outputs`; a `prompt` string or `messages` with string content when capture is
 * on. Their streams report usage through `amazon-bedrock-invocationMetrics` only.
 */
import type { Attributes } from '@opentelemetry/api';
import type { ChatMessage, ContentCapture, MessagePart } from '../../genai';
import { setNumber, setStringArray } from '../../genai/attributes';
import { asNumber, asObject, asString } from '../../genai/narrow';
import {
  ATTR_REQUEST_MAX_TOKENS,
  ATTR_REQUEST_STOP_SEQUENCES,
  ATTR_REQUEST_TEMPERATURE,
  ATTR_REQUEST_TOP_K,
  ATTR_REQUEST_TOP_P,
} from '../../genai/semconv';
import { promptMessages } from './codec';
import type { BodyCodec } from './codec';

export const GENERIC_BODIES: BodyCodec = {
  operation(body) {
    if (Array.isArray(body.messages)) return 'chat';
    if (typeof body.prompt === 'string') return 'text_completion';
    // Cohere Embed's `texts`; anything else is taken for a chat.
    return Array.isArray(body.texts) ? 'embeddings' : 'chat';
  },
  requestAttributes(body): Attributes {
    const attributes: Attributes = {};
    setNumber(attributes, ATTR_REQUEST_MAX_TOKENS, body.max_tokens);
    setNumber(attributes, ATTR_REQUEST_TEMPERATURE, body.temperature);
    setNumber(attributes, ATTR_REQUEST_TOP_P, body.top_p);
    setNumber(attributes, ATTR_REQUEST_TOP_K, body.top_k);
    setStringArray(attributes, ATTR_REQUEST_STOP_SEQUENCES, body.stop ?? body.stop_sequences);
    return attributes;
  },
  captureInput(call, body, content) {
    call.inputMessages = Array.isArray(body.messages)
      ? chatMessages(body.messages, content)
      : promptMessages(body.prompt, content);
  },
  readResponse(call, body, content) {
    const usage = asObject(body.usage);
    if (usage !== undefined) {
      const input = asNumber(usage.prompt_tokens) ?? asNumber(usage.input_tokens);
      if (input !== undefined) call.inputTokens = input;
      const output = asNumber(usage.completion_tokens) ?? asNumber(usage.output_tokens);
      if (output !== undefined) call.outputTokens = output;
    }
    const choices = Array.isArray(body.choices)
      ? body.choices
      : Array.isArray(body.outputs)
        ? body.outputs
        : [];
    const reasons: string[] = [];
    const parts: MessagePart[] = [];
    for (const raw of choices) {
      const choice = asObject(raw);
      if (choice === undefined) continue;
      const reason = asString(choice.finish_reason) ?? asString(choice.stop_reason);
      if (reason !== undefined) reasons.push(reason);
      const text = asString(asObject(choice.message)?.content) ?? asString(choice.text);
      if (content !== undefined && text !== undefined) {
        parts.push({ type: 'text', content: content.text(text) });
      }
    }
    if (reasons.length > 0) call.finishReasons = reasons;
    if (content !== undefined && parts.length > 0) {
      const message: ChatMessage = { role: 'assistant', parts };
      if (reasons[0] !== undefined) message.finish_reason = reasons[0];
      call.outputMessages = content.json([message]);
    }
  },
  chunkReader: () => ({ read: () => undefined, end: () => undefined }),
};

/** `messages` whose `content` is a string (the common chat shape), as input messages. */
function chatMessages(messages: unknown[], content: ContentCapture): string {
  const out: ChatMessage[] = [];
  for (const raw of messages) {
    const message = asObject(raw);
    if (message === undefined) continue;
    const text = asString(message.content);
    out.push({
      role: asString(message.role) ?? 'user',
      parts: text === undefined ? [] : [{ type: 'text', content: content.text(text) }],
    });
  }
  return content.json(out);
}
