/**
 * Messages made of content blocks (Anthropic's Messages API, Bedrock's Converse and the bodies
 * that share its blocks) in the conventions' message shape. The providers differ only in how a
 * block becomes parts, so each passes its own `addBlocks`; the message framing is here once.
 */
import type { ChatMessage, ContentCapture, MessagePart } from './content';
import { asObject, asString } from './narrow';

/** Appends the parts of a message's `content` (a block array, or what the provider allows). */
export type AddBlocks = (parts: MessagePart[], value: unknown, content: ContentCapture) => void;

/**
 * Request `messages` as `gen_ai.input.messages` (`undefined` when `messages` is no array). A
 * message without a role is a user turn, as the APIs treat it.
 */
export function blockInputMessages(
  messages: unknown,
  addBlocks: AddBlocks,
  content: ContentCapture,
): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  const out: ChatMessage[] = [];
  for (const raw of messages) {
    const message = asObject(raw);
    if (message === undefined) continue;
    const parts: MessagePart[] = [];
    addBlocks(parts, message.content, content);
    out.push({ role: asString(message.role) ?? 'user', parts });
  }
  return content.json(out);
}

/** The assistant's reply blocks as `gen_ai.output.messages`, with its finish reason. */
export function blockOutputMessages(
  blocks: unknown,
  finishReason: string | undefined,
  addBlocks: AddBlocks,
  content: ContentCapture,
): string {
  const parts: MessagePart[] = [];
  addBlocks(parts, blocks, content);
  const message: ChatMessage = { role: 'assistant', parts };
  if (finishReason !== undefined) message.finish_reason = finishReason;
  return content.json([message]);
}
