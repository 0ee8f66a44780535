/**
 * Converse content blocks (also Amazon Nova's `InvokeModel` body, which uses the same blocks) in
 * the conventions' message shape, every string redacted and truncated by `ContentCapture`.
 */
import type { ContentCapture, MessagePart } from '../genai';
import { blockInputMessages, blockOutputMessages } from '../genai/block-messages';
import { asObject, asString } from '../genai/narrow';
import type { Json } from '../genai/narrow';

/** `system` blocks as `gen_ai.system_instructions` parts (`undefined` when there are none). */
export function systemInstructions(system: unknown, content: ContentCapture): string | undefined {
  const parts: MessagePart[] = [];
  addBlocks(parts, system, content);
  return parts.length === 0 ? undefined : content.json(parts);
}

/** Request `messages` as `gen_ai.input.messages` (`undefined` when there is no array). */
export function inputMessages(messages: unknown, content: ContentCapture): string | undefined {
  return blockInputMessages(messages, addBlocks, content);
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
 * Content blocks as message parts: text, tool use, tool results and reasoning are captured;
 * media (images, documents, videos) only by kind; cache points are markers, not content.
 */
function addBlocks(parts: MessagePart[], value: unknown, content: ContentCapture): void {
  if (!Array.isArray(value)) return;
  for (const raw of value) {
    const block = asObject(raw);
    if (block === undefined) continue;
    const part = blockPart(block, content);
    if (part !== undefined) parts.push(part);
  }
}

function blockPart(block: Json, content: ContentCapture): MessagePart | undefined {
  const text = asString(block.text);
  if (text !== undefined) return { type: 'text', content: content.text(text) };
  const toolUse = asObject(block.toolUse);
  if (toolUse !== undefined) {
    return {
      type: 'tool_call',
      id: asString(toolUse.toolUseId),
      name: asString(toolUse.name) ?? '',
      arguments: content.text(toolUse.input ?? {}),
    };
  }
  const toolResult = asObject(block.toolResult);
  if (toolResult !== undefined) {
    return {
      type: 'tool_call_response',
      id: asString(toolResult.toolUseId),
      response: content.text(toolResultText(toolResult.content, content)),
    };
  }
  const reasoning = asObject(asObject(block.reasoningContent)?.reasoningText);
  if (reasoning !== undefined) {
    return { type: 'reasoning', content: content.text(asString(reasoning.text) ?? '') };
  }
  const guarded = asString(asObject(asObject(block.guardContent)?.text)?.text);
  if (guarded !== undefined) return { type: 'text', content: content.text(guarded) };
  if (block.cachePoint !== undefined) return undefined;
  const kind = Object.keys(block)[0];
  return kind === undefined ? undefined : { type: kind };
}

/** A tool result's content blocks (`text` or `json`) as one string. */
function toolResultText(value: unknown, content: ContentCapture): unknown {
  if (!Array.isArray(value)) return value ?? '';
  let text = '';
  for (const raw of value) {
    const block = asObject(raw);
    if (block === undefined) continue;
    const piece = asString(block.text);
    if (piece !== undefined) text += piece;
    else if (block.json !== undefined) text += content.json(block.json);
  }
  return text;
}
