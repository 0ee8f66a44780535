import type { ChunkObserver, ContentCapture, GenAiCall, StreamOutcome } from '../genai';
import { asNumber, asObject, asString } from '../genai/narrow';
import type { Json } from '../genai/narrow';
import { outputMessages } from './converse-content';
import { STREAM_TRUNCATED } from './request';
import { readBedrockUsage } from './usage';

/** A content block of the reply, as far as it has streamed (kept only when capture is on). */
interface StreamedBlock {
  readonly kind: 'text' | 'toolUse' | 'reasoning';
  readonly toolUseId: string | undefined;
  readonly name: string | undefined;
  text: string;
}

/**
 * Reads Converse stream events as the caller receives them (`ConverseStream`'s `stream`, and
 * Amazon Nova's `InvokeModelWithResponseStream` chunks, which are the same events as JSON): the
 * stop reason from `messageStop`, usage from `metadata`; text, tool input and reasoning deltas
 * are accumulated per `contentBlockIndex` only when content capture is on. Nothing is hidden.
 * Exceptions in the stream are thrown by the SDK's iterator, which ends the call as failed; a
 * stream that ends before `messageStop` fails as `stream_truncated`.
 */
export class ConverseStreamObserver implements ChunkObserver<unknown> {
  private readonly blocks: StreamedBlock[] | undefined;
  private readonly limit: number;
  /** `messageStop` arrived: the reply is complete. */
  private stopped = false;

  constructor(
    private readonly call: GenAiCall,
    private readonly content: ContentCapture | undefined,
  ) {
    this.blocks = content === undefined ? undefined : [];
    // Past what can reach the span nothing more is kept (one piece over marks the cut).
    this.limit = content === undefined ? 0 : content.keepChars;
  }

  onChunk(value: unknown): boolean {
    const event = asObject(value);
    if (event !== undefined) this.read(event);
    return false;
  }

  /** Reads one event (`{ messageStart }`, `{ contentBlockDelta }`, `{ metadata }`, …). */
  read(event: Json): void {
    const blocks = this.blocks;
    if (blocks !== undefined) {
      const delta = asObject(event.contentBlockDelta);
      if (delta !== undefined) return this.addDelta(blocks, delta);
      const start = asObject(event.contentBlockStart);
      if (start !== undefined) return this.startBlock(blocks, start);
    } else if (event.contentBlockDelta !== undefined) {
      return;
    }
    const stop = asObject(event.messageStop);
    if (stop !== undefined) {
      this.stopped = true;
      const reason = asString(stop.stopReason);
      if (reason !== undefined) this.call.finishReasons = [reason];
      return;
    }
    const metadata = asObject(event.metadata);
    if (metadata !== undefined) readBedrockUsage(this.call, metadata.usage);
  }

  /**
   * Turns the reply into `gen_ai.output.messages`. Given the stream's outcome (not when reading
   * Nova's chunks for another observer), a stream that ended quietly before `messageStop` is
   * reported as truncated: the SDK ends its iteration without an error when the connection
   * drops between two events.
   */
  onEnd(outcome?: StreamOutcome): void {
    if (outcome === 'completed' && !this.stopped) this.call.errorType = STREAM_TRUNCATED;
    const { blocks, content } = this;
    if (blocks === undefined || content === undefined) return;
    const reply = blocks.map((b) =>
      b.kind === 'toolUse'
        ? {
            toolUse: { toolUseId: b.toolUseId, name: b.name, input: b.text === '' ? '{}' : b.text },
          }
        : b.kind === 'reasoning'
          ? { reasoningContent: { reasoningText: { text: b.text } } }
          : { text: b.text },
    );
    this.call.outputMessages = outputMessages(reply, this.call.finishReasons?.[0], content);
  }

  private startBlock(blocks: StreamedBlock[], event: Json): void {
    const toolUse = asObject(asObject(event.start)?.toolUse);
    if (toolUse === undefined) return;
    blocks[indexOf(event, blocks)] = {
      kind: 'toolUse',
      toolUseId: asString(toolUse.toolUseId),
      name: asString(toolUse.name),
      text: '',
    };
  }

  private addDelta(blocks: StreamedBlock[], event: Json): void {
    const delta = asObject(event.delta);
    if (delta === undefined) return;
    const index = indexOf(event, blocks);
    let piece = asString(delta.text);
    let kind: StreamedBlock['kind'] = 'text';
    if (piece === undefined) {
      piece = asString(asObject(delta.toolUse)?.input);
      kind = 'toolUse';
    }
    if (piece === undefined) {
      piece = asString(asObject(delta.reasoningContent)?.text);
      kind = 'reasoning';
    }
    if (piece === undefined) return;
    const block = (blocks[index] ??= { kind, toolUseId: undefined, name: undefined, text: '' });
    if (block.text.length <= this.limit) block.text += piece;
  }
}

/** The event's `contentBlockIndex`, or the next block when it has none. */
function indexOf(event: Json, blocks: StreamedBlock[]): number {
  const index = asNumber(event.contentBlockIndex);
  return index !== undefined && Number.isInteger(index) && index >= 0 && index < 4096
    ? index
    : blocks.length;
}
