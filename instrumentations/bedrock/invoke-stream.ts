import type { ChunkObserver, ContentCapture, GenAiCall, StreamOutcome } from '../genai';
import { asObject } from '../genai/narrow';
import { startsWith } from './bodies/codec';
import type { ChunkReader } from './bodies/codec';
import { jsonBody } from './bodies/json';
import { chunkCodec } from './bodies/select';
import type { ModelFamily } from './model-id';
import { STREAM_TRUNCATED } from './request';
import { readInvocationMetrics } from './usage';

const INVOCATION_METRICS = 'amazon-bedrock-invocationMetrics';

/**
 * Reads the events of an `InvokeModelWithResponseStream` body as the caller receives them.
 * Each `{ chunk: { bytes } }` is decoded (a copy: the caller's bytes are untouched) and read by
 * the codec of the model's family (decided on the first chunk when the model id names none);
 * with content capture off, the deltas that carry only content are recognised by their first
 * bytes and skipped undecoded. `amazon-bedrock-invocationMetrics`, on the last chunk of every
 * model's stream, gives the billed token counts. Nothing is hidden. In-stream exceptions
 * (`modelStreamErrorException`, `throttlingException`, …) are thrown by the SDK's iterator,
 * which ends the call as failed; a stream that ends before its last chunk fails as
 * `stream_truncated`.
 */
export class InvokeStreamObserver implements ChunkObserver<unknown> {
  private reader: ChunkReader | undefined = undefined;
  /** The last chunk (the one with the invocation metrics) arrived. */
  private complete = false;
  /** With capture off, the prefix of chunks that are skipped undecoded (see `BodyCodec`). */
  private contentOnly: Uint8Array | undefined = undefined;

  constructor(
    private readonly call: GenAiCall,
    private readonly content: ContentCapture | undefined,
    private readonly family: ModelFamily | undefined,
  ) {}

  onChunk(value: unknown): boolean {
    const bytes = asObject(asObject(value)?.chunk)?.bytes;
    const skip = this.contentOnly;
    if (skip !== undefined && bytes instanceof Uint8Array && startsWith(bytes, skip)) return false;
    const chunk = jsonBody(bytes);
    if (chunk === undefined) return false;
    let reader = this.reader;
    if (reader === undefined) {
      const codec = chunkCodec(this.family, chunk);
      reader = this.reader = codec.chunkReader(this.call, this.content);
      // Deltas carry nothing but content: with capture off they need not be decoded.
      if (this.content === undefined) this.contentOnly = codec.contentOnlyPrefix;
    }
    reader.read(chunk);
    const metrics = chunk[INVOCATION_METRICS];
    if (metrics !== undefined) {
      this.complete = true;
      readInvocationMetrics(this.call, metrics);
    }
    return false;
  }

  /**
   * A stream that ended quietly before its last chunk is reported as truncated: the SDK ends its
   * iteration without an error when the connection drops between two events.
   */
  onEnd(outcome: StreamOutcome): void {
    if (outcome === 'completed' && !this.complete) this.call.errorType = STREAM_TRUNCATED;
    this.reader?.end();
  }
}
