import type { Attributes } from '@opentelemetry/api';
import type { GenAiCall } from '../genai';
import type { LlmAdapter } from '../genai/adapter';
import { asNumber, asObject } from '../genai/narrow';
import type { Json } from '../genai/narrow';
import { googleRequest } from './client';
import { readUsage } from './usage';

/** `gen_ai.embeddings.dimension.count`, as the OpenAI adapter writes it. */
const ATTR_DIMENSION_COUNT = 'gen_ai.embeddings.dimension.count';

/**
 * `Models.prototype.embedContentInternal(params)` (or, in SDKs before it existed, the prototype's
 * `embedContent`): one embeddings request (`batchEmbedContents` on the Gemini API, `predict` or
 * `embedContent` on Vertex AI). Never streamed; inputs are not captured (the conventions define
 * no message shape for embeddings).
 */
export const EMBED_CONTENT: LlmAdapter = {
  request: (self, args) => googleRequest('embeddings', self, args, embedRequestAttributes),
  readResult: (call, value) => readEmbedContentResponse(call, value),
};

/** `gen_ai.embeddings.dimension.count` from `config.outputDimensionality`. */
export function embedRequestAttributes(config: Json | undefined): Attributes {
  const attributes: Attributes = {};
  const dimensions = asNumber(config?.outputDimensionality);
  if (dimensions !== undefined) attributes[ATTR_DIMENSION_COUNT] = dimensions;
  return attributes;
}

/**
 * Input tokens of an `EmbedContentResponse`: its `usageMetadata` when the API sends one, else the
 * sum of each embedding's `statistics.tokenCount` (Vertex AI's `predict`). The Gemini API's
 * `batchEmbedContents` reports no tokens for older models: the span then has none, and no cost.
 */
export function readEmbedContentResponse(call: GenAiCall, value: unknown): void {
  const response = asObject(value);
  if (response === undefined) return;
  readUsage(call, response.usageMetadata);
  if (call.inputTokens !== undefined || !Array.isArray(response.embeddings)) return;
  let tokens: number | undefined;
  for (const raw of response.embeddings) {
    const count = asNumber(asObject(asObject(raw)?.statistics)?.tokenCount);
    if (count !== undefined) tokens = (tokens ?? 0) + count;
  }
  call.inputTokens = tokens;
}
