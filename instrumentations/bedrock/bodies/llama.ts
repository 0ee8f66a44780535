/**
 * Meta Llama (`prompt` + `max_gen_len` → `generation`, `prompt_token_count`,
 * `generation_token_count`, `stop_reason`); a stream's chunks carry the same fields, the counts
 * as running totals, the prompt count on the first chunk and the reason on the last.
 */
import type { Attributes } from '@opentelemetry/api';
import type { ContentCapture, GenAiCall } from '../../genai';
import { setNumber } from '../../genai/attributes';
import { asNumber, asString } from '../../genai/narrow';
import type { Json } from '../../genai/narrow';
import {
  ATTR_REQUEST_MAX_TOKENS,
  ATTR_REQUEST_TEMPERATURE,
  ATTR_REQUEST_TOP_P,
} from '../../genai/semconv';
import { completionMessages, promptMessages, TextAccumulator } from './codec';
import type { BodyCodec, ChunkReader } from './codec';

export const LLAMA_BODIES: BodyCodec = {
  operation: () => 'text_completion',
  requestAttributes(body): Attributes {
    const attributes: Attributes = {};
    setNumber(attributes, ATTR_REQUEST_MAX_TOKENS, body.max_gen_len);
    setNumber(attributes, ATTR_REQUEST_TEMPERATURE, body.temperature);
    setNumber(attributes, ATTR_REQUEST_TOP_P, body.top_p);
    return attributes;
  },
  captureInput(call, body, content) {
    call.inputMessages = promptMessages(body.prompt, content);
  },
  readResponse(call, body, content) {
    readCounts(call, body);
    if (content !== undefined) {
      call.outputMessages = completionMessages(
        asString(body.generation) ?? '',
        call.finishReasons?.[0],
        content,
      );
    }
  },
  chunkReader: (call, content) => new LlamaChunks(call, content),
};

function readCounts(call: GenAiCall, body: Json): void {
  const input = asNumber(body.prompt_token_count);
  if (input !== undefined) call.inputTokens = input;
  const output = asNumber(body.generation_token_count);
  if (output !== undefined) call.outputTokens = output;
  const reason = asString(body.stop_reason);
  if (reason !== undefined) call.finishReasons = [reason];
}

class LlamaChunks implements ChunkReader {
  private readonly text: TextAccumulator;

  constructor(
    private readonly call: GenAiCall,
    content: ContentCapture | undefined,
  ) {
    this.text = new TextAccumulator(content);
  }

  read(chunk: Json): void {
    readCounts(this.call, chunk);
    this.text.add(chunk.generation);
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
