import type { Attributes } from '@opentelemetry/api';
import { setNumber, setStringArray } from '../genai/attributes';
import { partsText } from '../genai/content';
import {
  ATTR_OUTPUT_TYPE,
  ATTR_REQUEST_CHOICE_COUNT,
  ATTR_REQUEST_FREQUENCY_PENALTY,
  ATTR_REQUEST_MAX_TOKENS,
  ATTR_REQUEST_PRESENCE_PENALTY,
  ATTR_REQUEST_SEED,
  ATTR_REQUEST_STOP_SEQUENCES,
  ATTR_REQUEST_TEMPERATURE,
  ATTR_REQUEST_TOP_P,
} from '../genai/semconv';
import type { ChatMessage, ChunkObserver, ContentCapture, GenAiCall, MessagePart } from '../genai';
import type { LlmAdapter } from '../genai/adapter';
import { asNumber, asObject, asString } from '../genai/narrow';
import type { Json } from '../genai/narrow';
import { openAIRequest, withStreamUsage } from './request';
import type { OpenAISettings } from './request';
import { readUsage } from './usage';

/**
 * `chat.completions.create`, plain and streamed (the `stream()`, `runTools()` and `parse()`
 * helpers send through it). Streamed requests are asked for their usage (`includeStreamUsage`).
 */
export function chatAdapter(settings: OpenAISettings): LlmAdapter {
  return {
    request: (self, args) => openAIRequest('chat', self, args, chatRequestAttributes),
    captureInput(call, args, content) {
      call.inputMessages = chatInputMessages(args[0] as Json, content);
    },
    rewrite: (args) => withStreamUsage(args, settings),
    readResult: readChatCompletion,
    observeChunks: (call, content) => new ChatStreamObserver(call, content, call.rewritten),
  };
}

/** Legacy `completions.create` (plain and streamed): chat's attributes, results and chunks. */
export function completionsAdapter(settings: OpenAISettings): LlmAdapter {
  return {
    request: (self, args) => openAIRequest('text_completion', self, args, chatRequestAttributes),
    captureInput(call, args, content) {
      const prompt = (args[0] as Json).prompt;
      const texts = typeof prompt === 'string' ? [prompt] : Array.isArray(prompt) ? prompt : [];
      call.inputMessages = content.json([
        {
          role: 'user',
          parts: texts.map((t: unknown) => ({ type: 'text', content: content.text(t) })),
        },
      ]);
    },
    rewrite: (args) => withStreamUsage(args, settings),
    readResult: readChatCompletion,
    observeChunks: (call, content) => new ChatStreamObserver(call, content, call.rewritten),
  };
}

/** `gen_ai.request.*` attributes of a chat completions (or legacy completions) request. */
export function chatRequestAttributes(body: Json): Attributes {
  const attributes: Attributes = {};
  setNumber(attributes, ATTR_REQUEST_TEMPERATURE, body.temperature);
  setNumber(attributes, ATTR_REQUEST_MAX_TOKENS, body.max_completion_tokens ?? body.max_tokens);
  setNumber(attributes, ATTR_REQUEST_TOP_P, body.top_p);
  setNumber(attributes, ATTR_REQUEST_FREQUENCY_PENALTY, body.frequency_penalty);
  setNumber(attributes, ATTR_REQUEST_PRESENCE_PENALTY, body.presence_penalty);
  setNumber(attributes, ATTR_REQUEST_SEED, body.seed);
  setStringArray(attributes, ATTR_REQUEST_STOP_SEQUENCES, body.stop);
  const n = asNumber(body.n);
  if (n !== undefined && n !== 1) attributes[ATTR_REQUEST_CHOICE_COUNT] = n;
  const format = asString(asObject(body.response_format)?.type);
  if (format !== undefined) attributes[ATTR_OUTPUT_TYPE] = format === 'text' ? 'text' : 'json';
  return attributes;
}

/** Chat request messages in the conventions' message shape (content redacted, truncated). */
export function chatInputMessages(body: Json, content: ContentCapture): string | undefined {
  if (!Array.isArray(body.messages)) return undefined;
  const out: ChatMessage[] = [];
  for (const raw of body.messages) {
    const message = asObject(raw);
    if (message === undefined) continue;
    const role = asString(message.role) ?? 'user';
    const parts: MessagePart[] = [];
    if (role === 'tool') {
      parts.push({
        type: 'tool_call_response',
        id: asString(message.tool_call_id),
        response: content.text(partsText(message.content)),
      });
    } else {
      addContentParts(parts, message.content, content);
      addToolCalls(parts, message.tool_calls, content);
    }
    out.push({ role, parts });
  }
  return content.json(out);
}

/**
 * Message content (a string, or an array of text, refusal and media parts) as message parts.
 * Media (images, audio, files) is not captured: only its kind is recorded.
 */
export function addContentParts(
  parts: MessagePart[],
  value: unknown,
  content: ContentCapture,
): void {
  if (typeof value === 'string') {
    parts.push({ type: 'text', content: content.text(value) });
    return;
  }
  if (!Array.isArray(value)) return;
  for (const raw of value) {
    const part = asObject(raw);
    if (part === undefined) continue;
    const text = asString(part.text) ?? asString(part.refusal);
    if (text !== undefined) parts.push({ type: 'text', content: content.text(text) });
    else parts.push({ type: asString(part.type) ?? 'unknown' });
  }
}

function addToolCalls(parts: MessagePart[], value: unknown, content: ContentCapture): void {
  if (!Array.isArray(value)) return;
  for (const raw of value) {
    const call = asObject(raw);
    const fn = asObject(call?.function);
    if (call === undefined || fn === undefined) continue;
    parts.push({
      type: 'tool_call',
      id: asString(call.id),
      name: asString(fn.name) ?? '',
      arguments: content.text(fn.arguments ?? ''),
    });
  }
}

/** Fills the call from a (non-streamed) chat completion. */
export function readChatCompletion(
  call: GenAiCall,
  value: unknown,
  content: ContentCapture | undefined,
): void {
  const completion = asObject(value);
  if (completion === undefined) return;
  call.responseId = asString(completion.id);
  call.responseModel = asString(completion.model);
  readUsage(call, completion.usage);
  if (!Array.isArray(completion.choices)) return;
  const reasons: string[] = [];
  const messages: ChatMessage[] | undefined = content === undefined ? undefined : [];
  for (const raw of completion.choices) {
    const choice = asObject(raw);
    if (choice === undefined) continue;
    const reason = asString(choice.finish_reason);
    if (reason !== undefined) reasons.push(reason);
    if (messages !== undefined && content !== undefined) {
      const message = asObject(choice.message);
      const parts: MessagePart[] = [];
      addContentParts(parts, message?.content ?? choice.text, content);
      addToolCalls(parts, message?.tool_calls, content);
      messages.push({ role: asString(message?.role) ?? 'assistant', parts, finish_reason: reason });
    }
  }
  call.finishReasons = reasons;
  if (messages !== undefined && content !== undefined) call.outputMessages = content.json(messages);
}

interface ChoiceState {
  text: string;
  finishReason: string | undefined;
  tools: { id: string | undefined; name: string; args: string }[] | undefined;
}

/**
 * Accumulates a chat (or legacy completions) stream. Text and tool-call arguments are kept
 * only when content capture is on. When we added `stream_options.include_usage`, the
 * usage-only chunk is hidden and the `usage: null` field the server then adds to every other
 * chunk is removed, so the caller sees exactly the chunks it would have seen.
 */
export class ChatStreamObserver implements ChunkObserver<unknown> {
  private readonly choices: ChoiceState[] = [];

  constructor(
    private readonly call: GenAiCall,
    private readonly content: ContentCapture | undefined,
    private readonly injectedUsage: boolean,
  ) {}

  onChunk(value: unknown): boolean {
    const chunk = value as Json | null;
    if (chunk === null || typeof chunk !== 'object') return false;
    const call = this.call;
    if (call.responseId === undefined) {
      call.responseId = asString(chunk.id);
      call.responseModel = asString(chunk.model);
    }
    const choices = chunk.choices;
    const usage = chunk.usage;
    if (usage !== undefined && usage !== null) {
      readUsage(call, usage);
      if (this.injectedUsage && Array.isArray(choices) && choices.length === 0) return true;
    } else if (this.injectedUsage && usage === null) {
      delete chunk.usage;
    }
    if (!Array.isArray(choices)) return false;
    for (let i = 0; i < choices.length; i++) this.onChoice(choices[i] as Json | null);
    return false;
  }

  private onChoice(choice: Json | null): void {
    if (choice === null || typeof choice !== 'object') return;
    const index = typeof choice.index === 'number' ? choice.index : 0;
    let state = this.choices[index];
    if (state === undefined) {
      state = { text: '', finishReason: undefined, tools: undefined };
      this.choices[index] = state;
    }
    const reason = choice.finish_reason;
    if (typeof reason === 'string') state.finishReason = reason;
    if (this.content === undefined) return;
    // Past what can reach the span, nothing more is kept (one piece over marks the cut).
    const keep = this.content.keepChars;
    const delta = choice.delta as Json | undefined;
    const text = delta === undefined ? choice.text : delta.content;
    if (typeof text === 'string' && state.text.length <= keep) state.text += text;
    const toolCalls = delta?.tool_calls;
    if (Array.isArray(toolCalls)) {
      state.tools ??= [];
      for (const raw of toolCalls) {
        const tc = asObject(raw);
        if (tc === undefined) continue;
        const at = typeof tc.index === 'number' ? tc.index : state.tools.length;
        const fn = asObject(tc.function);
        let tool = state.tools[at];
        if (tool === undefined) {
          tool = { id: undefined, name: '', args: '' };
          state.tools[at] = tool;
        }
        if (typeof tc.id === 'string') tool.id = tc.id;
        if (typeof fn?.name === 'string') tool.name += fn.name;
        if (typeof fn?.arguments === 'string' && tool.args.length <= keep) {
          tool.args += fn.arguments;
        }
      }
    }
  }

  onEnd(): void {
    const reasons: string[] = [];
    for (const state of this.choices) {
      if (state?.finishReason !== undefined) reasons.push(state.finishReason);
    }
    this.call.finishReasons = reasons;
    const content = this.content;
    if (content === undefined) return;
    const messages: ChatMessage[] = [];
    for (const state of this.choices) {
      if (state === undefined) continue;
      const parts: MessagePart[] = [];
      if (state.text !== '') parts.push({ type: 'text', content: content.text(state.text) });
      for (const tool of state.tools ?? []) {
        if (tool === undefined) continue;
        parts.push({
          type: 'tool_call',
          id: tool.id,
          name: tool.name,
          arguments: content.text(tool.args),
        });
      }
      messages.push({ role: 'assistant', parts, finish_reason: state.finishReason });
    }
    this.call.outputMessages = content.json(messages);
  }
}
