/**
 * The LLM call pipeline and what the LLM instrumentations share: the adapter contract a provider
 * implements (adapter.ts), the one wrapper that runs every call (pipeline.ts), the call's
 * lifecycle (span, usage, cost, metrics, exactly-once end), result and stream observation,
 * content capture, prices, GenAI semantic-convention names. Provider folders (openai/,
 * anthropic/) hold only adapters and what they patch.
 */
export * from './semconv';
export type { ChunkObserver, LlmAdapter, LlmRequest } from './adapter';
export { wrapLlmMethod } from './pipeline';
export type { LlmMethod } from './pipeline';
export { GenAiCall } from './call';
export type { StreamOutcome } from './call';
export { ContentCapture, TRUNCATED, partsText } from './content';
export type { ChatMessage, ContentCaptureOptions, MessagePart } from './content';
export { PriceBook, SHIPPED_PRICES, computeCost, readPriceFile } from './prices';
export type { ModelPrice, PriceTable, TokenUsage } from './prices';
export { loadPriceBook } from './load-prices';
export { isAsyncIterable, isStainlessStream, observeChunks, observeStream } from './stream';
export { reportInternal } from './safe';
export type { GenAiTelemetry } from './telemetry';
export { LlmUsage } from './usage-metrics';
export { setNumber, setStringArray } from './attributes';
export type { GenAiConfig } from './config';
