import type { Attributes } from '@opentelemetry/api';
import { ATTR_REQUEST_ENCODING_FORMATS } from '../genai/semconv';
import type { GenAiCall } from '../genai';
import type { LlmAdapter } from '../genai/adapter';
import { asObject, asString } from '../genai/narrow';
import type { Json } from '../genai/narrow';
import { openAIRequest } from './request';
import { readUsage } from './usage';

/**
 * `embeddings.create`: never streamed, and no input content (the conventions define no message
 * shape for embeddings inputs).
 */
export const EMBEDDINGS: LlmAdapter = {
  request: (self, args) => openAIRequest('embeddings', self, args, embeddingsRequestAttributes),
  readResult: (call, value) => readEmbeddings(call, value),
};

/** `gen_ai.request.*` attributes of an embeddings request. */
export function embeddingsRequestAttributes(body: Json): Attributes {
  const attributes: Attributes = {};
  const format = asString(body.encoding_format);
  if (format !== undefined) attributes[ATTR_REQUEST_ENCODING_FORMATS] = [format];
  if (typeof body.dimensions === 'number') {
    attributes['gen_ai.embeddings.dimension.count'] = body.dimensions;
  }
  return attributes;
}

/** Fills the call from an embeddings response (model and input tokens; no content). */
export function readEmbeddings(call: GenAiCall, value: unknown): void {
  const response = asObject(value);
  if (response === undefined) return;
  call.responseModel = asString(response.model);
  readUsage(call, response.usage);
}
