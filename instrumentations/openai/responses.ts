import type { Attributes } from '@opentelemetry/api';
import { setNumber } from '../genai/attributes';
import {
  ATTR_OUTPUT_TYPE,
  ATTR_REQUEST_MAX_TOKENS,
  ATTR_REQUEST_TEMPERATURE,
  ATTR_REQUEST_TOP_P,
} from '../genai/semconv';
import type { ChatMessage, ChunkObserver, ContentCapture, GenAiCall, MessagePart } from '../genai';
import type { LlmAdapter } from '../genai/adapter';
import { asObject, asString } from '../genai/narrow';
import type { Json } from '../genai/narrow';
import { addContentParts } from './chat';
import { openAIRequest } from './request';
import { readUsage } from './usage';

/**
 * `responses.create` (plain and streamed; `responses.stream()` sends through it). Its streams
 * report usage in their terminal event: no request rewrite.
 */
export const RESPONSES: LlmAdapter = {
  request: (self, args) => openAIRequest('chat', self, args, responsesRequestAttributes),
  captureInput: (call, args, content) => captureResponsesInput(call, args[0] as Json, content),
  readResult: readResponse,
  observeChunks: (call, content) => new ResponsesStreamObserver(call, content),
};

/** `gen_ai.request.*` attributes of a Responses API request. */
export function responsesRequestAttributes(body: Json): Attributes {
  const attributes: Attributes = {};
  setNumber(attributes, ATTR_REQUEST_TEMPERATURE, body.temperature);
  setNumber(attributes, ATTR_REQUEST_MAX_TOKENS, body.max_output_tokens);
  setNumber(attributes, ATTR_REQUEST_TOP_P, body.top_p);
  const format = asString(asObject(asObject(body.text)?.format)?.type);
  if (format !== undefined) attributes[ATTR_OUTPUT_TYPE] = format === 'text' ? 'text' : 'json';
  return attributes;
}

/** Fills the call's input content: `input` as messages, `instructions` as system instructions. */
export function captureResponsesInput(call: GenAiCall, body: Json, content: ContentCapture): void {
  if (typeof body.instructions === 'string') {
    call.systemInstructions = content.json([
      { type: 'text', content: content.text(body.instructions) },
    ]);
  }
  const input = body.input;
  if (typeof input === 'string') {
    call.inputMessages = content.json([
      { role: 'user', parts: [{ type: 'text', content: content.text(input) }] },
    ]);
  } else if (Array.isArray(input)) {
    call.inputMessages = content.json(itemsToMessages(input, content, 'user'));
  }
}

/** Responses API items (messages, function calls, function call outputs) as messages. */
function itemsToMessages(
  items: unknown[],
  content: ContentCapture,
  defaultRole: string,
): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const raw of items) {
    const item = asObject(raw);
    if (item === undefined) continue;
    const type = asString(item.type) ?? 'message';
    if (type === 'message') {
      const parts: MessagePart[] = [];
      addContentParts(parts, item.content, content);
      out.push({ role: asString(item.role) ?? defaultRole, parts });
    } else if (type === 'function_call') {
      out.push({
        role: 'assistant',
        parts: [
          {
            type: 'tool_call',
            id: asString(item.call_id),
            name: asString(item.name) ?? '',
            arguments: content.text(item.arguments ?? ''),
          },
        ],
      });
    } else if (type === 'function_call_output') {
      out.push({
        role: 'tool',
        parts: [
          {
            type: 'tool_call_response',
            id: asString(item.call_id),
            response: content.text(item.output),
          },
        ],
      });
    } else if (type === 'reasoning') {
      // Reasoning summaries are model output of their own kind; not captured as input.
    } else {
      out.push({ role: defaultRole, parts: [{ type }] });
    }
  }
  return out;
}

const FINISH_REASONS: Readonly<Record<string, string>> = {
  completed: 'stop',
  failed: 'error',
  cancelled: 'cancelled',
};

/** Fills the call from a Responses API `response` object. */
export function readResponse(
  call: GenAiCall,
  value: unknown,
  content: ContentCapture | undefined,
): void {
  const response = asObject(value);
  if (response === undefined) return;
  call.responseId = asString(response.id) ?? call.responseId;
  call.responseModel = asString(response.model) ?? call.responseModel;
  readUsage(call, response.usage);
  const status = asString(response.status);
  let reason: string | undefined;
  if (status === 'incomplete') {
    const why = asString(asObject(response.incomplete_details)?.reason);
    reason = why === 'max_output_tokens' ? 'length' : (why ?? 'incomplete');
  } else if (status !== undefined) {
    reason = FINISH_REASONS[status];
  }
  if (reason !== undefined) call.finishReasons = [reason];
  if (content !== undefined && Array.isArray(response.output)) {
    const messages = itemsToMessages(response.output, content, 'assistant');
    // One assistant message in the conventions' shape: all output parts, in order.
    const parts = messages.flatMap((m) => m.parts);
    call.outputMessages = content.json([{ role: 'assistant', parts, finish_reason: reason }]);
  }
}

/** Watches a Responses API event stream: ids early, the final response on completion. */
export class ResponsesStreamObserver implements ChunkObserver<unknown> {
  constructor(
    private readonly call: GenAiCall,
    private readonly content: ContentCapture | undefined,
  ) {}

  onChunk(value: unknown): boolean {
    const event = value as Json | null;
    if (event === null || typeof event !== 'object') return false;
    const type = event.type;
    if (
      type === 'response.created' ||
      type === 'response.completed' ||
      type === 'response.incomplete' ||
      type === 'response.failed' ||
      type === 'response.in_progress'
    ) {
      readResponse(
        this.call,
        event.response,
        type === 'response.created' ? undefined : this.content,
      );
      if (type === 'response.failed') this.call.errorType ??= 'response.failed';
    } else if (type === 'error') {
      // openai 5 and 6 yield the `error` event as an item instead of throwing.
      this.call.errorType ??= 'APIError';
    }
    return false;
  }

  onEnd(): void {
    // Everything was read from the terminal event.
  }
}
