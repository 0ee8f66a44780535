import { partsText } from '../genai/content';
import type { ContentCapture, MessagePart } from '../genai';
import { blockInputMessages, blockOutputMessages } from '../genai/block-messages';
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

/** Request `messages` as `gen_ai.input.messages` (`undefined` when there is no array). */
export function inputMessages(body: Json, content: ContentCapture): string | undefined {
  return blockInputMessages(body.messages, addBlocks, content);
}

/** The assistant's reply blocks as `gen_ai.output.messages`. */
export function outputMessages(
  blocks: unknown,
  finishReason: string | undefined,
  content: ContentCapture,
): string {
  return blockOutputMessages(blocks, finishReason, addBlocks, content);
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
