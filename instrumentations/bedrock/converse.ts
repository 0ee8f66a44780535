import type { Attributes } from '@opentelemetry/api';
import type { ContentCapture, GenAiCall } from '../genai';
import type { LlmAdapter, LlmRequest } from '../genai/adapter';
import { setNumber, setStringArray } from '../genai/attributes';
import { isAsyncIterable } from '../genai/stream';
import { asObject, asString } from '../genai/narrow';
import type { Json } from '../genai/narrow';
import {
  ATTR_REQUEST_MAX_TOKENS,
  ATTR_REQUEST_STOP_SEQUENCES,
  ATTR_REQUEST_TEMPERATURE,
  ATTR_REQUEST_TOP_K,
  ATTR_REQUEST_TOP_P,
} from '../genai/semconv';
import { inputMessages, outputMessages, systemInstructions } from './converse-content';
import { ConverseStreamObserver } from './converse-stream';
import { abortSignalOf, bedrockRequest, commandInput, modelIdOf, recordRequestId } from './request';
import { readBedrockUsage } from './usage';

/** `ConverseCommand`: one chat call, its reply in the output. */
export const CONVERSE: LlmAdapter = {
  request: converseRequest,
  captureInput,
  abortSignal: abortSignalOf,
  readResult: readConverse,
};

/**
 * `ConverseStreamCommand`: the output's `stream` is the SDK's event stream, observed in place
 * (the caller iterates the very same object); the call ends with it.
 */
export const CONVERSE_STREAM: LlmAdapter = {
  request: converseRequest,
  captureInput,
  abortSignal: abortSignalOf,
  chunksOf(result, call) {
    const output = asObject(result);
    if (output === undefined) return undefined;
    recordRequestId(call, output);
    return isAsyncIterable(output.stream) ? output.stream : undefined;
  },
  // An output without a stream (not seen from a real server) ends the call as it is.
  readResult: () => undefined,
  observeChunks: (call, content) => new ConverseStreamObserver(call, content),
};

function converseRequest(self: unknown, args: readonly unknown[]): LlmRequest | undefined {
  const input = commandInput(args);
  const modelId = modelIdOf(input);
  if (input === undefined || modelId === undefined) return undefined;
  return bedrockRequest(self, modelId, 'chat', converseAttributes(input));
}

/** `gen_ai.request.*` from `inferenceConfig` (and `top_k` from the model's own fields). */
export function converseAttributes(input: Json): Attributes {
  const attributes: Attributes = {};
  const config = asObject(input.inferenceConfig);
  if (config !== undefined) {
    setNumber(attributes, ATTR_REQUEST_MAX_TOKENS, config.maxTokens);
    setNumber(attributes, ATTR_REQUEST_TEMPERATURE, config.temperature);
    setNumber(attributes, ATTR_REQUEST_TOP_P, config.topP);
    setStringArray(attributes, ATTR_REQUEST_STOP_SEQUENCES, config.stopSequences);
  }
  const extra = asObject(input.additionalModelRequestFields);
  if (extra !== undefined) setNumber(attributes, ATTR_REQUEST_TOP_K, extra.top_k ?? extra.topK);
  return attributes;
}

function captureInput(call: GenAiCall, args: readonly unknown[], content: ContentCapture): void {
  const input = commandInput(args);
  if (input === undefined) return;
  call.systemInstructions = systemInstructions(input.system, content);
  call.inputMessages = inputMessages(input.messages, content);
}

/** Fills the call from a `ConverseCommand` output: stop reason, usage, the reply. */
export function readConverse(
  call: GenAiCall,
  result: unknown,
  content: ContentCapture | undefined,
): void {
  const output = asObject(result);
  if (output === undefined) return;
  recordRequestId(call, output);
  const reason = asString(output.stopReason);
  if (reason !== undefined) call.finishReasons = [reason];
  readBedrockUsage(call, output.usage);
  if (content !== undefined) {
    const message = asObject(asObject(output.output)?.message);
    call.outputMessages = outputMessages(message?.content, reason, content);
  }
}
