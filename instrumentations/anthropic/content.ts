import { partsText } from '../genai/content';
import type { ChatMessage, ContentCapture, MessagePart } from '../genai';
import { asObject, asString } from '../genai/narrow';
import type { Json } from '../genai/narrow';

/** `system` (a string or text blocks) as `gen_ai.system_instructions` parts. */
export function systemInstructions(body: Json, content: ContentCapture): string | undefined {
  const system = body.system;
  if (system === undefined || system === null) return undefined;
  const parts: MessagePart[] = [];
  addBlocks(parts, system, content);
  return parts.length === 0 ? undefined : content.json(parts);
}

/** Request messages in the conventions' message shape (content redacted, truncated). */
export function inputMessages(body: Json, content: ContentCapture): string | undefined {
  if (!Array.isArray(body.messages)) return undefined;
  const out: ChatMessage[] = [];
  for (const raw of body.messages) {
    const message = asObject(raw);
    if (message === undefined) continue;
    const parts: MessagePart[] = [];
    addBlocks(parts, message.content, content);
    out.push({ role: asString(message.role) ?? 'user', parts });
  }
  return content.json(out);
}

/** The assistant's reply (text, thinking and tool_use blocks) as `gen_ai.output.messages`. */
export function outputMessages(
  blocks: unknown,
  finishReason: string | undefined,
  content: ContentCapture,
): string {
  const parts: MessagePart[] = [];
  addBlocks(parts, blocks, content);
  const message: ChatMessage = { role: 'assistant', parts };
  if (finishReason !== undefined) message.finish_reason = finishReason;
  return content.json([message]);
}

/**
 * Anthropic content blocks as message parts. Media (images, documents) is not captured: only
 * its kind is recorded.
 */
function addBlocks(parts: MessagePart[], value: unknown, content: ContentCapture): void {
  if (typeof value === 'string') {
    parts.push({ type: 'text', content: content.text(value) });
    return;
  }
  if (!Array.isArray(value)) return;
  for (const raw of value) {
    const block = asObject(raw);
    if (block === undefined) continue;
    const type = asString(block.type) ?? 'unknown';
    switch (type) {
      case 'text':
        parts.push({ type: 'text', content: content.text(asString(block.text) ?? '') });
        break;
      case 'thinking':
        parts.push({ type: 'reasoning', content: content.text(asString(block.thinking) ?? '') });
        break;
      case 'tool_use':
      case 'server_tool_use':
        parts.push({
          type: 'tool_call',
          id: asString(block.id),
          name: asString(block.name) ?? '',
          arguments: content.text(block.input ?? {}),
        });
        break;
      case 'tool_result':
        parts.push({
          type: 'tool_call_response',
          id: asString(block.tool_use_id),
          response: content.text(partsText(block.content) ?? ''),
        });
        break;
      default:
        parts.push({ type });
    }
  }
}
