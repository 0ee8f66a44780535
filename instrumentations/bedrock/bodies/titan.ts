/**
 * Amazon Titan Text (`inputText` + `textGenerationConfig` → `results`) and Titan Text
 * Embeddings (`inputText` → `embedding`, `inputTextTokenCount`).
 */
import type { Attributes } from '@opentelemetry/api';
import type { ContentCapture, GenAiCall } from '../../genai';
import { setNumber, setStringArray } from '../../genai/attributes';
import { asNumber, asObject, asString } from '../../genai/narrow';
import type { Json } from '../../genai/narrow';
import {
  ATTR_REQUEST_MAX_TOKENS,
  ATTR_REQUEST_STOP_SEQUENCES,
  ATTR_REQUEST_TEMPERATURE,
  ATTR_REQUEST_TOP_P,
} from '../../genai/semconv';
import { completionMessages, promptMessages, TextAccumulator } from './codec';
import type { BodyCodec, ChunkReader } from './codec';

export const TITAN_TEXT_BODIES: BodyCodec = {
  operation: () => 'text_completion',
  requestAttributes(body): Attributes {
    const attributes: Attributes = {};
    const config = asObject(body.textGenerationConfig);
    if (config === undefined) return attributes;
    setNumber(attributes, ATTR_REQUEST_MAX_TOKENS, config.maxTokenCount);
    setNumber(attributes, ATTR_REQUEST_TEMPERATURE, config.temperature);
    setNumber(attributes, ATTR_REQUEST_TOP_P, config.topP);
    setStringArray(attributes, ATTR_REQUEST_STOP_SEQUENCES, config.stopSequences);
    return attributes;
  },
  captureInput(call, body, content) {
    call.inputMessages = promptMessages(body.inputText, content);
  },
  readResponse(call, body, content) {
    const input = asNumber(body.inputTextTokenCount);
    if (input !== undefined) call.inputTokens = input;
    const results = Array.isArray(body.results) ? body.results : [];
    let output: number | undefined;
    let text = '';
    const reasons: string[] = [];
    for (const raw of results) {
      const result = asObject(raw);
      if (result === undefined) continue;
      const tokens = asNumber(result.tokenCount);
      if (tokens !== undefined) output = (output ?? 0) + tokens;
      const reason = asString(result.completionReason);
      if (reason !== undefined) reasons.push(reason);
      text += asString(result.outputText) ?? '';
    }
    if (output !== undefined) call.outputTokens = output;
    if (reasons.length > 0) call.finishReasons = reasons;
    if (content !== undefined) call.outputMessages = completionMessages(text, reasons[0], content);
  },
  chunkReader: (call, content) => new TitanChunks(call, content),
};

export const TITAN_EMBED_BODIES: BodyCodec = {
  operation: () => 'embeddings',
  requestAttributes(body): Attributes {
    const attributes: Attributes = {};
    setNumber(attributes, 'gen_ai.embeddings.dimension.count', body.dimensions);
    return attributes;
  },
  // The conventions define no message shape for embeddings inputs (as for OpenAI's).
  captureInput: () => undefined,
  readResponse(call, body) {
    const input = asNumber(body.inputTextTokenCount);
    if (input !== undefined) call.inputTokens = input;
  },
  chunkReader: () => ({ read: () => undefined, end: () => undefined }),
};

/**
 * Titan's chunks: `{ outputText, index, totalOutputTextTokenCount, completionReason,
 * inputTextTokenCount }`, the counts running totals, the reason set on the last.
 */
class TitanChunks implements ChunkReader {
  private readonly text: TextAccumulator;

  constructor(
    private readonly call: GenAiCall,
    content: ContentCapture | undefined,
  ) {
    this.text = new TextAccumulator(content);
  }

  read(chunk: Json): void {
    const call = this.call;
    const input = asNumber(chunk.inputTextTokenCount);
    if (input !== undefined) call.inputTokens = input;
    const output = asNumber(chunk.totalOutputTextTokenCount);
    if (output !== undefined) call.outputTokens = output;
    const reason = asString(chunk.completionReason);
    if (reason !== undefined) call.finishReasons = [reason];
    this.text.add(chunk.outputText);
  }

  end(): void {
    const content = this.text.content;
    if (content === undefined) return;
    this.call.outputMessages = completionMessages(
      this.text.text,
      this.call.finishReasons?.[0],
      content,
    );
  }
}
