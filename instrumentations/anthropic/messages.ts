import type { Attributes } from '@opentelemetry/api';
import { setNumber, setStringArray } from '../genai/attributes';
import {
  ATTR_REQUEST_MAX_TOKENS,
  ATTR_REQUEST_STOP_SEQUENCES,
  ATTR_REQUEST_TEMPERATURE,
  ATTR_REQUEST_TOP_K,
  ATTR_REQUEST_TOP_P,
} from '../genai/semconv';
import type { ChunkObserver, ContentCapture, GenAiCall } from '../genai';
import type { LlmAdapter, LlmRequest } from '../genai/adapter';
import { asObject, asString } from '../genai/narrow';
import type { Json } from '../genai/narrow';
import { serverFromBaseUrl } from '../genai/server-address';
import type { ServerAddress } from '../genai/server-address';
import { inputMessages, outputMessages, systemInstructions } from './content';
import { clientOf, withoutSdkSpan } from './sdk-tracing';
import { readUsage } from './usage';

/**
 * `Messages.prototype.create` (plain and `stream: true`; the `messages.stream()` helper sends its
 * request through it). The SDK's own span for the call is suppressed while it starts the request
 * (sdk-tracing.ts); Anthropic streams always carry usage, so the request is never rewritten.
 */
export const MESSAGES: LlmAdapter = {
  request(self, args) {
    const body = asObject(args[0]);
    return body === undefined ? undefined : messagesRequest(body, clientOf(self));
  },
  captureInput: (call, args, content) => captureInput(call, args[0] as Json, content),
  send: (self, run) => withoutSdkSpan(clientOf(self), run),
  readResult: readMessage,
  observeChunks: (call, content) => new MessageStreamObserver(call, content),
};

function messagesRequest(body: Json, client: unknown): LlmRequest {
  const info = clientInfo(client);
  return {
    operation: 'chat',
    provider: 'anthropic',
    requestModel: asString(body.model),
    attributes: requestAttributes(body),
    serverAddress: info.serverAddress,
    serverPort: info.serverPort,
  };
}

const UNKNOWN_SERVER: ServerAddress = { serverAddress: undefined, serverPort: undefined };
const servers = new WeakMap<object, ServerAddress>();

/** `server.address` / `server.port` from the client's `baseURL`, computed once per client. */
function clientInfo(client: unknown): ServerAddress {
  const c = asObject(client);
  if (c === undefined) return UNKNOWN_SERVER;
  let info = servers.get(c);
  if (info !== undefined) return info;
  info = serverFromBaseUrl(c.baseURL);
  servers.set(c, info);
  return info;
}

/** `gen_ai.request.*` attributes of a `messages.create` request. */
export function requestAttributes(body: Json): Attributes {
  const attributes: Attributes = {};
  setNumber(attributes, ATTR_REQUEST_MAX_TOKENS, body.max_tokens);
  setNumber(attributes, ATTR_REQUEST_TEMPERATURE, body.temperature);
  setNumber(attributes, ATTR_REQUEST_TOP_P, body.top_p);
  setNumber(attributes, ATTR_REQUEST_TOP_K, body.top_k);
  setStringArray(attributes, ATTR_REQUEST_STOP_SEQUENCES, body.stop_sequences);
  return attributes;
}

/** Records the request's content on the call (only called when capture is on). */
export function captureInput(call: GenAiCall, body: Json, content: ContentCapture): void {
  call.systemInstructions = systemInstructions(body, content);
  call.inputMessages = inputMessages(body, content);
}

/** Fills the call from a complete `Message`. */
export function readMessage(
  call: GenAiCall,
  value: unknown,
  content: ContentCapture | undefined,
): void {
  const message = asObject(value);
  if (message === undefined) return;
  call.responseId = asString(message.id);
  call.responseModel = asString(message.model);
  readUsage(call, message.usage);
  const reason = asString(message.stop_reason);
  if (reason !== undefined) call.finishReasons = [reason];
  if (content !== undefined) call.outputMessages = outputMessages(message.content, reason, content);
}

interface Block {
  readonly type: string;
  readonly id: string | undefined;
  readonly name: string | undefined;
  text: string;
}

/**
 * Reads the server-sent events of a streamed message as the caller receives them: id, model and
 * usage from `message_start`, the stop reason and final usage from `message_delta`. Text, thinking
 * and tool-input deltas are accumulated only when content capture is on. Nothing is hidden.
 */
export class MessageStreamObserver implements ChunkObserver<unknown> {
  private readonly blocks: Block[] | undefined;
  private readonly limit: number;

  constructor(
    private readonly call: GenAiCall,
    private readonly content: ContentCapture | undefined,
  ) {
    this.blocks = content === undefined ? undefined : [];
    // Past what can reach the span nothing more is kept (one piece over marks the cut).
    this.limit = content === undefined ? 0 : content.keepChars;
  }

  onChunk(value: unknown): boolean {
    const event = asObject(value);
    if (event === undefined) return false;
    const call = this.call;
    switch (event.type) {
      case 'message_start': {
        const message = asObject(event.message);
        if (message !== undefined) {
          call.responseId = asString(message.id);
          call.responseModel = asString(message.model);
          readUsage(call, message.usage);
        }
        break;
      }
      case 'message_delta': {
        const reason = asString(asObject(event.delta)?.stop_reason);
        if (reason !== undefined) call.finishReasons = [reason];
        readUsage(call, event.usage);
        break;
      }
      case 'content_block_start':
        if (this.blocks !== undefined) this.startBlock(this.blocks, asObject(event.content_block));
        break;
      case 'content_block_delta':
        if (this.blocks !== undefined) this.addDelta(this.blocks, event);
        break;
      default:
        break;
    }
    return false;
  }

  onEnd(): void {
    if (this.blocks === undefined || this.content === undefined) return;
    const blocks = this.blocks.map((b) =>
      b.type === 'tool_use' || b.type === 'server_tool_use'
        ? { type: b.type, id: b.id, name: b.name, input: b.text === '' ? '{}' : b.text }
        : b.type === 'thinking'
          ? { type: b.type, thinking: b.text }
          : { type: b.type, text: b.text },
    );
    this.call.outputMessages = outputMessages(blocks, this.call.finishReasons?.[0], this.content);
  }

  private startBlock(blocks: Block[], block: Json | undefined): void {
    if (block === undefined) return;
    const type = asString(block.type) ?? 'unknown';
    const initial = asString(block.text) ?? asString(block.thinking) ?? '';
    blocks.push({ type, id: asString(block.id), name: asString(block.name), text: initial });
  }

  private addDelta(blocks: Block[], event: Json): void {
    const index = typeof event.index === 'number' ? event.index : blocks.length - 1;
    const block = blocks[index];
    const delta = asObject(event.delta);
    if (block === undefined || delta === undefined) return;
    const piece =
      asString(delta.text) ?? asString(delta.partial_json) ?? asString(delta.thinking) ?? '';
    if (block.text.length <= this.limit) block.text += piece;
  }
}
