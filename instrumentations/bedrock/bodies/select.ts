/**
 * Which codec reads an `InvokeModel` body: the model id's family when it names one, else the
 * body's own shape (an application inference profile's ARN names no model), else the generic
 * codec. Decided again for the response (or a stream's first chunk) the same way, so the call
 * keeps no state between the request and its result.
 */
import { asObject } from '../../genai/narrow';
import type { Json } from '../../genai/narrow';
import type { ModelFamily } from '../model-id';
import { ANTHROPIC_BODIES } from './anthropic';
import type { BodyCodec } from './codec';
import { GENERIC_BODIES } from './generic';
import { LLAMA_BODIES } from './llama';
import { NOVA_BODIES } from './nova';
import { TITAN_EMBED_BODIES, TITAN_TEXT_BODIES } from './titan';

const BY_FAMILY: Readonly<Record<ModelFamily, BodyCodec>> = {
  anthropic: ANTHROPIC_BODIES,
  nova: NOVA_BODIES,
  'titan-text': TITAN_TEXT_BODIES,
  'titan-embed': TITAN_EMBED_BODIES,
  llama: LLAMA_BODIES,
};

/** The codec of a request body. */
export function requestCodec(family: ModelFamily | undefined, body: Json): BodyCodec {
  if (family !== undefined) return BY_FAMILY[family];
  if (body.anthropic_version !== undefined) return ANTHROPIC_BODIES;
  if (body.schemaVersion !== undefined || asObject(body.inferenceConfig) !== undefined) {
    return NOVA_BODIES;
  }
  if (typeof body.inputText === 'string') {
    return body.textGenerationConfig === undefined ? TITAN_EMBED_BODIES : TITAN_TEXT_BODIES;
  }
  if (body.max_gen_len !== undefined) return LLAMA_BODIES;
  return GENERIC_BODIES;
}

/** The codec of a complete response body. */
export function responseCodec(family: ModelFamily | undefined, body: Json): BodyCodec {
  if (family !== undefined) return BY_FAMILY[family];
  if (body.type === 'message' || typeof body.completion === 'string') return ANTHROPIC_BODIES;
  if (asObject(body.output)?.message !== undefined) return NOVA_BODIES;
  if (Array.isArray(body.results)) return TITAN_TEXT_BODIES;
  if (Array.isArray(body.embedding)) return TITAN_EMBED_BODIES;
  if (typeof body.generation === 'string') return LLAMA_BODIES;
  return GENERIC_BODIES;
}

/** The codec of a stream, from its first chunk's body. */
export function chunkCodec(family: ModelFamily | undefined, chunk: Json): BodyCodec {
  if (family !== undefined) return BY_FAMILY[family];
  if (typeof chunk.type === 'string' || typeof chunk.completion === 'string') {
    return ANTHROPIC_BODIES;
  }
  if (
    chunk.messageStart !== undefined ||
    chunk.contentBlockDelta !== undefined ||
    chunk.contentBlockStart !== undefined
  ) {
    return NOVA_BODIES;
  }
  if (typeof chunk.outputText === 'string') return TITAN_TEXT_BODIES;
  if (typeof chunk.generation === 'string') return LLAMA_BODIES;
  return GENERIC_BODIES;
}
