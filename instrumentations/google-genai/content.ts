import type { ChatMessage, ContentCapture, MessagePart } from '../genai';
import { asObject, asString } from '../genai/narrow';
import type { Json } from '../genai/narrow';

/**
 * Gemini `Content`/`Part` values in the conventions' message shape. A request's `contents` may be
 * a string, a `Part`, a `Content`, or an array of strings and parts (one user turn) or of
 * `Content`s (a conversation), as the SDK accepts them; roles are `user` and `model`
 * (`assistant` in the conventions), and a turn made only of function responses is a `tool` turn.
 * Media (`inlineData`, `fileData`) and code parts are recorded by kind only, never their data.
 */

/** `contents` of a request as `gen_ai.input.messages`. */
export function inputMessages(contents: unknown, content: ContentCapture): string | undefined {
  const turns = toContents(contents);
  if (turns.length === 0) return undefined;
  const out: ChatMessage[] = [];
  for (const turn of turns) {
    const parts: MessagePart[] = [];
    addParts(parts, turn.parts, content);
    out.push({ role: roleOf(turn, parts), parts });
  }
  return content.json(out);
}

/** `config.systemInstruction` (a string, a part, parts or a `Content`) as its parts. */
export function systemInstructions(
  instruction: unknown,
  content: ContentCapture,
): string | undefined {
  if (instruction === undefined || instruction === null) return undefined;
  const parts: MessagePart[] = [];
  const asContent = asObject(instruction);
  addParts(
    parts,
    asContent !== undefined && 'parts' in asContent ? asContent.parts : instruction,
    content,
  );
  return parts.length === 0 ? undefined : content.json(parts);
}

/** One candidate's reply as an output message (`finish_reason` already mapped). */
export function outputMessage(
  candidate: Json,
  finishReason: string | undefined,
  content: ContentCapture,
): ChatMessage {
  const parts: MessagePart[] = [];
  addParts(parts, asObject(candidate.content)?.parts, content);
  const message: ChatMessage = { role: 'assistant', parts };
  if (finishReason !== undefined) message.finish_reason = finishReason;
  return message;
}

/** Whether a candidate's parts hold a function call (its `STOP` then means `tool_call`). */
export function callsFunctions(candidate: Json): boolean {
  const parts = asObject(candidate.content)?.parts;
  if (!Array.isArray(parts)) return false;
  for (const part of parts) {
    if (asObject(asObject(part)?.functionCall) !== undefined) return true;
  }
  return false;
}

/** A turn as the SDK would send it: `{ role?, parts }`. */
interface Turn {
  readonly role: string | undefined;
  readonly parts: unknown;
}

function isContent(value: unknown): value is Json {
  const o = asObject(value);
  return o !== undefined && ('parts' in o || 'role' in o);
}

/** The turns of a request's `contents`, in the forms the SDK's `tContents` accepts. */
function toContents(contents: unknown): Turn[] {
  if (contents === undefined || contents === null) return [];
  if (Array.isArray(contents)) {
    if (contents.length === 0) return [];
    if (contents.every(isContent)) {
      return contents.map((c: Json) => ({ role: asString(c.role), parts: c.parts }));
    }
    return [{ role: 'user', parts: contents }];
  }
  if (isContent(contents)) return [{ role: asString(contents.role), parts: contents.parts }];
  return [{ role: 'user', parts: [contents] }];
}

function roleOf(turn: Turn, parts: readonly MessagePart[]): string {
  if (turn.role === 'model') return 'assistant';
  if (parts.length > 0 && parts.every((p) => p.type === 'tool_call_response')) return 'tool';
  return turn.role ?? 'user';
}

/** Parts (a string, a part, or an array of strings and parts) as message parts. */
function addParts(out: MessagePart[], value: unknown, content: ContentCapture): void {
  if (Array.isArray(value)) {
    for (const item of value) addPart(out, item, content);
  } else if (value !== undefined && value !== null) {
    addPart(out, value, content);
  }
}

function addPart(out: MessagePart[], value: unknown, content: ContentCapture): void {
  if (typeof value === 'string') {
    out.push({ type: 'text', content: content.text(value) });
    return;
  }
  const part = asObject(value);
  if (part === undefined) return;
  const text = asString(part.text);
  if (text !== undefined) {
    out.push({ type: part.thought === true ? 'reasoning' : 'text', content: content.text(text) });
    return;
  }
  const call = asObject(part.functionCall);
  if (call !== undefined) {
    out.push(toolCall(asString(call.id), asString(call.name) ?? '', call.args, content));
    return;
  }
  const response = asObject(part.functionResponse);
  if (response !== undefined) {
    const id = asString(response.id);
    const text = content.text(response.response ?? {});
    out.push(
      id === undefined
        ? { type: 'tool_call_response', response: text }
        : { type: 'tool_call_response', id, response: text },
    );
    return;
  }
  const kind = partKind(part);
  // A part carrying only a thought signature (Gemini 3) is bookkeeping, not content.
  if (kind !== undefined) out.push({ type: kind });
}

/** A function call as a `tool_call` part (Gemini API calls often have no id: none is written). */
export function toolCall(
  id: string | undefined,
  name: string,
  args: unknown,
  content: ContentCapture,
): MessagePart {
  const text = content.text(args ?? {});
  return id === undefined
    ? { type: 'tool_call', name, arguments: text }
    : { type: 'tool_call', id, name, arguments: text };
}

/** The kind of a part whose content is not captured; `undefined` for a bare thought signature. */
function partKind(part: Json): string | undefined {
  if (part.inlineData !== undefined) return 'blob';
  if (part.fileData !== undefined) return 'file';
  if (part.executableCode !== undefined) return 'executable_code';
  if (part.codeExecutionResult !== undefined) return 'code_execution_result';
  if (part.thoughtSignature !== undefined) return undefined;
  return 'unknown';
}
