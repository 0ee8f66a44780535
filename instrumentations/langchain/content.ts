import { asObject, asString } from '../genai/narrow';
import type { ChatMessage, ContentCapture, MessagePart } from '../genai/content';
import type { LcLlmResult } from './types';

/** Inputs and outputs of chain, graph and step runs (JSON; our own names: no convention yet). */
export const ATTR_LANGCHAIN_INPUT = 'sprintlens.langchain.input';
export const ATTR_LANGCHAIN_OUTPUT = 'sprintlens.langchain.output';
export const ATTR_TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments';
export const ATTR_TOOL_CALL_RESULT = 'gen_ai.tool.call.result';
export const ATTR_RETRIEVAL_QUERY = 'gen_ai.retrieval.query.text';
export const ATTR_RETRIEVAL_DOCUMENTS_CONTENT = 'gen_ai.retrieval.documents';

/** Bounds of a captured value's shape (each string is bounded by the capture itself). */
const MAX_DEPTH = 8;
const MAX_ENTRIES = 100;

/** LangChain message types to GenAI roles. */
const ROLES: Readonly<Record<string, string>> = {
  human: 'user',
  ai: 'assistant',
  system: 'system',
  developer: 'system',
  tool: 'tool',
  function: 'tool',
};

/**
 * A captured run input or output as JSON: LangChain messages in the GenAI message shape,
 * documents as `{ id?, content, metadata }`, other values as they are; every string redacted and
 * cut by `capture`, and the shape bounded (depth and entries), so no value is too big to send.
 */
export function capturedValue(value: unknown, capture: ContentCapture): string {
  return capture.json(plain(value, capture, 0));
}

/**
 * The messages of a chat model run (`handleChatModelStart` gets one list per prompt; the first is
 * the call's): system messages apart, as the conventions' `gen_ai.system_instructions`.
 */
export function chatInput(
  prompts: unknown,
  capture: ContentCapture,
): { readonly messages: string; readonly system: string | undefined } | undefined {
  const first: unknown = Array.isArray(prompts) ? prompts[0] : undefined;
  if (!Array.isArray(first)) return undefined;
  const messages: ChatMessage[] = [];
  const system: MessagePart[] = [];
  for (const entry of first) {
    const message = messageOf(entry, capture);
    if (message === undefined) continue;
    if (message.role === 'system') system.push(...message.parts);
    else messages.push(message);
  }
  return {
    messages: capture.json(messages),
    system: system.length === 0 ? undefined : capture.json(system),
  };
}

/** The prompt of a text-completion run as one user message. */
export function completionInput(prompts: unknown, capture: ContentCapture): string | undefined {
  const first: unknown = Array.isArray(prompts) ? prompts[0] : undefined;
  if (typeof first !== 'string') return undefined;
  return capture.json([{ role: 'user', parts: [{ type: 'text', content: capture.text(first) }] }]);
}

/** The first prompt's generations as output messages (with their finish reasons). */
export function modelOutput(result: LcLlmResult | undefined, capture: ContentCapture): string {
  const messages: ChatMessage[] = [];
  for (const generation of result?.generations?.[0] ?? []) {
    const g = asObject(generation);
    const message = g?.message === undefined ? undefined : messageOf(g.message, capture);
    const out: ChatMessage = message ?? {
      role: 'assistant',
      parts: [{ type: 'text', content: capture.text(asString(g?.text) ?? '') }],
    };
    const reason = asString(asObject(g?.generationInfo)?.finish_reason);
    if (reason !== undefined) out.finish_reason = reason;
    messages.push(out);
  }
  return capture.json(messages);
}

/** A tool run's input (LangChain passes it as a string, often JSON of the arguments). */
export function toolArguments(input: unknown, capture: ContentCapture): string {
  return typeof input === 'string' ? capture.text(input) : capturedValue(input, capture);
}

/** A tool run's output: a `ToolMessage` is reduced to its content. */
export function toolResult(output: unknown, capture: ContentCapture): string {
  const message = asObject(output);
  if (message !== undefined && ROLES[String(message.type)] === 'tool') {
    return typeof message.content === 'string'
      ? capture.text(message.content)
      : capturedValue(message.content, capture);
  }
  return typeof output === 'string' ? capture.text(output) : capturedValue(output, capture);
}

/** Retrieved documents in the conventions' shape (`id`, `content`, plus their metadata). */
export function retrievedDocuments(documents: readonly unknown[], capture: ContentCapture): string {
  const out: unknown[] = [];
  for (const document of documents.slice(0, MAX_ENTRIES)) out.push(plain(document, capture, 1));
  return capture.json(out);
}

function plain(value: unknown, capture: ContentCapture, depth: number): unknown {
  if (typeof value === 'string') return capture.text(value);
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  }
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) {
    return value.slice(0, MAX_ENTRIES).map((v) => plain(v, capture, depth + 1));
  }
  const object = value as Record<string, unknown>;
  if (typeof object.pageContent === 'string') {
    const document: Record<string, unknown> = { content: capture.text(object.pageContent) };
    if (typeof object.id === 'string') document.id = object.id;
    if (object.metadata !== undefined)
      document.metadata = plain(object.metadata, capture, depth + 1);
    return document;
  }
  const message = messageOf(object, capture);
  if (message !== undefined) return message;
  const out: Record<string, unknown> = {};
  let entries = 0;
  for (const key in object) {
    if (entries++ >= MAX_ENTRIES) break;
    if (!Object.prototype.hasOwnProperty.call(object, key)) continue;
    const v = plain(object[key], capture, depth + 1);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** A LangChain message (a `BaseMessage`, recognised by its `type` and `content`) as a GenAI one. */
function messageOf(value: unknown, capture: ContentCapture): ChatMessage | undefined {
  const message = asObject(value);
  const type = asString(message?.type);
  if (message === undefined || type === undefined || !('content' in message)) return undefined;
  const role = ROLES[type] ?? asString(message.role);
  if (role === undefined) return undefined;
  const parts: MessagePart[] = [];
  if (role === 'tool') {
    const id = asString(message.tool_call_id);
    parts.push({ type: 'tool_call_response', id, response: textOf(message.content, capture) });
  } else {
    addContent(parts, message.content, capture);
    addToolCalls(parts, message.tool_calls, capture);
  }
  const out: ChatMessage = { role, parts };
  const name = asString(message.name);
  if (name !== undefined && name !== '') out.name = name;
  return out;
}

function addContent(parts: MessagePart[], content: unknown, capture: ContentCapture): void {
  if (typeof content === 'string') {
    if (content !== '') parts.push({ type: 'text', content: capture.text(content) });
    return;
  }
  if (!Array.isArray(content)) return;
  for (const block of content.slice(0, MAX_ENTRIES)) {
    const b = asObject(block);
    const type = asString(b?.type);
    const text = asString(b?.text);
    if (type === 'text' && text !== undefined) {
      parts.push({ type: 'text', content: capture.text(text) });
    } else if ((type === 'reasoning' || type === 'thinking') && b !== undefined) {
      const reasoning = asString(b.reasoning) ?? asString(b.thinking) ?? text ?? '';
      parts.push({ type: 'reasoning', content: capture.text(reasoning) });
    } else if (type !== undefined && type !== 'tool_use' && type !== 'tool_call') {
      // Media and other blocks: their kind only (data URLs and bytes stay out).
      parts.push({ type });
    }
  }
}

function addToolCalls(parts: MessagePart[], calls: unknown, capture: ContentCapture): void {
  if (!Array.isArray(calls)) return;
  for (const call of calls.slice(0, MAX_ENTRIES)) {
    const c = asObject(call);
    const name = asString(c?.name);
    if (c === undefined || name === undefined) continue;
    parts.push({
      type: 'tool_call',
      id: asString(c.id),
      name,
      arguments: capturedValue(c.args ?? {}, capture),
    });
  }
}

function textOf(content: unknown, capture: ContentCapture): string {
  if (typeof content === 'string') return capture.text(content);
  return capturedValue(content, capture);
}
