/**
 * Amazon Nova's `InvokeModel` body (`schemaVersion: messages-v1`): Converse's messages, system
 * blocks and reply, with its own `inferenceConfig` spelling; its stream chunks are Converse's
 * stream events as JSON.
 */
import type { Attributes } from '@opentelemetry/api';
import { setNumber, setStringArray } from '../../genai/attributes';
import { asObject, asString } from '../../genai/narrow';
import {
  ATTR_REQUEST_MAX_TOKENS,
  ATTR_REQUEST_STOP_SEQUENCES,
  ATTR_REQUEST_TEMPERATURE,
  ATTR_REQUEST_TOP_K,
  ATTR_REQUEST_TOP_P,
} from '../../genai/semconv';
import { inputMessages, outputMessages, systemInstructions } from '../converse-content';
import { ConverseStreamObserver } from '../converse-stream';
import { readBedrockUsage } from '../usage';
import { prefixBytes } from './codec';
import type { BodyCodec } from './codec';

export const NOVA_BODIES: BodyCodec = {
  operation: () => 'chat',
  requestAttributes(body): Attributes {
    const attributes: Attributes = {};
    const config = asObject(body.inferenceConfig);
    if (config === undefined) return attributes;
    // The Nova guide spells these `max_new_tokens`, `top_p`, `top_k`; Converse's camel case
    // is accepted too.
    setNumber(attributes, ATTR_REQUEST_MAX_TOKENS, config.max_new_tokens ?? config.maxTokens);
    setNumber(attributes, ATTR_REQUEST_TEMPERATURE, config.temperature);
    setNumber(attributes, ATTR_REQUEST_TOP_P, config.top_p ?? config.topP);
    setNumber(attributes, ATTR_REQUEST_TOP_K, config.top_k ?? config.topK);
    setStringArray(attributes, ATTR_REQUEST_STOP_SEQUENCES, config.stopSequences);
    return attributes;
  },
  captureInput(call, body, content) {
    call.systemInstructions = systemInstructions(body.system, content);
    call.inputMessages = inputMessages(body.messages, content);
  },
  readResponse(call, body, content) {
    const reason = asString(body.stopReason);
    if (reason !== undefined) call.finishReasons = [reason];
    readBedrockUsage(call, body.usage);
    if (content !== undefined) {
      const message = asObject(asObject(body.output)?.message);
      call.outputMessages = outputMessages(message?.content, reason, content);
    }
  },
  chunkReader(call, content) {
    const events = new ConverseStreamObserver(call, content);
    return { read: (chunk) => events.read(chunk), end: () => events.onEnd() };
  },
  contentOnlyPrefix: prefixBytes('{"contentBlockDelta"'),
};
