/**
 * AI SDK messages and results in the GenAI conventions' message shape, every string redacted and
 * truncated by the {@link ContentCapture}. Only called when content capture is on.
 *
 * Inputs come as AI SDK `ModelMessage`s (`{ role, content }` with a string or parts: `text`,
 * `reasoning`, `tool-call`, `tool-result`, `image`, `file`), or as the provider-level prompt the
 * SDK sends (the same shape, system messages inline); outputs as content parts (`ai` 7) or as the
 * text and tool calls `ai` 5/6 put on their spans.
 */
import type { ChatMessage, ContentCapture, MessagePart } from '../genai';
import { asObject, asString } from '../genai/narrow';

/** Captured input of a model call: `gen_ai.input.messages` and `gen_ai.system_instructions`. */
export interface CapturedInput {
  readonly messages: string | undefined;
  readonly system: string | undefined;
}

/**
 * The input of a model call: `instructions` (a string, a system message or an array of them)
 * and `messages`; system messages found among the messages go to the system instructions.
 */
export function captureInput(
  instructions: unknown,
  messages: unknown,
  content: ContentCapture,
): CapturedInput {
  const system: MessagePart[] = [];
  addSystem(system, instructions, content);
  const out: ChatMessage[] = [];
  if (Array.isArray(messages)) {
    for (const raw of messages) {
      const message = asObject(raw);
      if (message === undefined) continue;
      const role = asString(message.role) ?? 'user';
      if (role === 'system') {
        addSystem(system, message.content, content);
        continue;
      }
      const parts: MessagePart[] = [];
      addParts(parts, message.content, content);
      out.push({ role, parts });
    }
  }
  return {
    messages: Array.isArray(messages) ? content.json(out) : undefined,
    system: system.length === 0 ? undefined : content.json(system),
  };
}

/** A JSON prompt as `ai` 5/6 record it (`ai.prompt.messages`); undefined when not JSON. */
export function captureJsonPrompt(json: unknown, content: ContentCapture): CapturedInput {
  return captureInput(undefined, parseJson(json), content);
}

/** The assistant's reply from content parts (`ai` 7: text, reasoning, tool calls). */
export function captureOutput(
  parts: unknown,
  finishReason: string | undefined,
  content: ContentCapture,
): string {
  const out: MessagePart[] = [];
  addParts(out, parts, content);
  return assistant(out, finishReason, content);
}

/** The assistant's reply from what `ai` 5/6 record: text, reasoning and tool calls as JSON. */
export function captureLegacyOutput(
  reply: { text?: unknown; reasoning?: unknown; toolCalls?: unknown; object?: unknown },
  finishReason: string | undefined,
  content: ContentCapture,
): string {
  const out: MessagePart[] = [];
  if (typeof reply.reasoning === 'string' && reply.reasoning !== '') {
    out.push({ type: 'reasoning', content: content.text(reply.reasoning) });
  }
  const text = typeof reply.text === 'string' ? reply.text : reply.object;
  if (typeof text === 'string') out.push({ type: 'text', content: content.text(text) });
  addParts(
    out,
    (parseJson(reply.toolCalls) as unknown[] | undefined)?.map((call) => ({
      type: 'tool-call',
      ...asObject(call),
    })),
    content,
  );
  return assistant(out, finishReason, content);
}

/** A tool's arguments or result as one captured string. */
export function captureValue(value: unknown, content: ContentCapture): string {
  return content.text(value ?? '');
}

function assistant(
  parts: MessagePart[],
  finishReason: string | undefined,
  content: ContentCapture,
): string {
  const message: ChatMessage = { role: 'assistant', parts };
  if (finishReason !== undefined) message.finish_reason = finishReason;
  return content.json([message]);
}

function addSystem(parts: MessagePart[], value: unknown, content: ContentCapture): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    // An array of system messages, or of text parts.
    for (const item of value) {
      const message = asObject(item);
      if (message?.role === 'system') addSystem(parts, message.content, content);
      else addParts(parts, [item], content);
    }
    return;
  }
  const message = asObject(value);
  if (message?.role === 'system') {
    addSystem(parts, message.content, content);
    return;
  }
  addParts(parts, value, content);
}

/**
 * AI SDK content (a string or parts) as message parts. Media (images, files) is not captured:
 * only its kind is recorded.
 */
function addParts(parts: MessagePart[], value: unknown, content: ContentCapture): void {
  if (typeof value === 'string') {
    parts.push({ type: 'text', content: content.text(value) });
    return;
  }
  if (!Array.isArray(value)) return;
  for (const raw of value) {
    const part = asObject(raw);
    if (part === undefined) continue;
    const type = asString(part.type) ?? 'unknown';
    switch (type) {
      case 'text':
        parts.push({ type: 'text', content: content.text(asString(part.text) ?? '') });
        break;
      case 'reasoning':
        parts.push({ type: 'reasoning', content: content.text(asString(part.text) ?? '') });
        break;
      case 'tool-call':
        parts.push({
          type: 'tool_call',
          id: asString(part.toolCallId),
          name: asString(part.toolName) ?? '',
          // `input` is the parsed object (`ai` 6+) or its JSON text (provider level, `ai` 5).
          arguments: content.text(part.input ?? part.args ?? ''),
        });
        break;
      case 'tool-result':
        parts.push({
          type: 'tool_call_response',
          id: asString(part.toolCallId),
          response: content.text(resultValue(part)),
        });
        break;
      default:
        parts.push({ type });
    }
  }
}

/** A tool result's value: `output.value` (`{ type: 'json' | 'text', value }`) or `result`. */
function resultValue(part: Record<string, unknown>): unknown {
  const output = asObject(part.output);
  if (output !== undefined && 'value' in output) return output.value ?? '';
  return part.output ?? part.result ?? '';
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}
