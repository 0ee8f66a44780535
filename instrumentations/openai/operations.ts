import type { Attributes } from '@opentelemetry/api';
import { isStainlessStream, observeStream } from '../genai/stream';
import type { ContentCapture, GenAiCall } from '../genai';
import { asString } from '../genai/narrow';
import type { Json } from '../genai/narrow';
import {
  chatInputMessages,
  chatRequestAttributes,
  ChatStreamObserver,
  readChatCompletion,
} from './chat';
import { embeddingsRequestAttributes, readEmbeddings } from './embeddings';
import {
  captureResponsesInput,
  readResponse,
  responsesRequestAttributes,
  ResponsesStreamObserver,
} from './responses';

/** How one SDK method maps to a GenAI operation. */
export interface OperationSpec {
  readonly operation: string;
  /** Whether streams of this method accept `stream_options.include_usage`. */
  readonly streamUsageOption: boolean;
  requestAttributes(body: Json): Attributes;
  captureInput(call: GenAiCall, body: Json, content: ContentCapture): void;
  /** Reads the parsed result; for streams, starts observing the stream in place. */
  onResult(
    call: GenAiCall,
    value: unknown,
    content: ContentCapture | undefined,
    injectedUsage: boolean,
  ): void;
}

function onChatLikeResult(
  call: GenAiCall,
  value: unknown,
  content: ContentCapture | undefined,
  injectedUsage: boolean,
): void {
  if (isStainlessStream(value)) {
    observeStream(value, call, new ChatStreamObserver(call, content, injectedUsage));
    return;
  }
  readChatCompletion(call, value, content);
  call.end();
}

export const CHAT: OperationSpec = {
  operation: 'chat',
  streamUsageOption: true,
  requestAttributes: chatRequestAttributes,
  captureInput(call, body, content) {
    call.inputMessages = chatInputMessages(body, content);
  },
  onResult: onChatLikeResult,
};

export const TEXT_COMPLETION: OperationSpec = {
  operation: 'text_completion',
  streamUsageOption: true,
  requestAttributes: chatRequestAttributes,
  captureInput(call, body, content) {
    const prompt = body.prompt;
    const texts = typeof prompt === 'string' ? [prompt] : Array.isArray(prompt) ? prompt : [];
    call.inputMessages = content.json([
      {
        role: 'user',
        parts: texts.map((t: unknown) => ({ type: 'text', content: content.text(t) })),
      },
    ]);
  },
  onResult: onChatLikeResult,
};

export const RESPONSES: OperationSpec = {
  operation: 'chat',
  streamUsageOption: false,
  requestAttributes: responsesRequestAttributes,
  captureInput: captureResponsesInput,
  onResult(call, value, content) {
    if (isStainlessStream(value)) {
      observeStream(value, call, new ResponsesStreamObserver(call, content));
      return;
    }
    readResponse(call, value, content);
    call.end();
  },
};

export const EMBEDDINGS: OperationSpec = {
  operation: 'embeddings',
  streamUsageOption: false,
  requestAttributes: embeddingsRequestAttributes,
  captureInput() {
    // The conventions define no input message shape for embeddings: nothing is captured.
  },
  onResult(call, value) {
    readEmbeddings(call, value);
    call.end();
  },
};

/** The request's model name. */
export function modelOf(body: Json): string | undefined {
  return asString(body.model);
}
