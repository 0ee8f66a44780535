import { createContextKey } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import type { StreamWatch } from './stream-watch';

/**
 * The stream watch of a streaming call, from the wrapped `streamText`/`streamObject` (which sees
 * the result) to the telemetry integration (which sees the call start, asynchronously, in the
 * context the wrapper ran the call in).
 */
const STREAM_WATCH = createContextKey('sprintlens.ai_sdk.stream_watch');

/** `context` carrying `watch` for the call about to start in it. */
export function withStreamWatch(context: Context, watch: StreamWatch): Context {
  return context.setValue(STREAM_WATCH, watch);
}

/**
 * The stream watch of the context a call starts in. A call started inside another (a tool's)
 * sees its parent's watch too: the watch attaches to the first call only.
 */
export function streamWatchOf(context: Context): StreamWatch | undefined {
  return context.getValue(STREAM_WATCH) as StreamWatch | undefined;
}
