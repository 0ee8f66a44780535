import { trace } from '@opentelemetry/api';
import { ContentCapture, GenAiCall, PriceBook } from '../../../instrumentations/genai';

/** A call of `modelId` for the readers under test (a no-op tracer: nothing is exported). */
export function bedrockCall(modelId = 'm', content?: ContentCapture): GenAiCall {
  return new GenAiCall(
    { tracer: trace.getTracer('test'), metrics: undefined, prices: new PriceBook([]), content },
    { operation: 'chat', provider: 'aws.bedrock', requestModel: modelId, attributes: {} },
  );
}

/** Content capture with the default options. */
export const CONTENT = new ContentCapture();

/** `value` as the bytes of a stream chunk, as the SDK yields them. */
export function chunk(value: unknown): { chunk: { bytes: Uint8Array } } {
  return { chunk: { bytes: new TextEncoder().encode(JSON.stringify(value)) } };
}
