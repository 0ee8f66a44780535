/**
 * What the LLM instrumentations share: GenAI semantic-convention names, the call lifecycle
 * (span, usage, cost, metrics, exactly-once end), stream observation, content capture and
 * prices. Provider folders (openai/, anthropic/) hold only what differs between SDKs.
 */
export * from './semconv';
export { GenAiCall } from './call';
export type { GenAiCallStart, StreamOutcome } from './call';
export { ContentCapture, TRUNCATED, partsText } from './content';
export type { ChatMessage, ContentCaptureOptions, MessagePart } from './content';
export { PriceBook, SHIPPED_PRICES, computeCost, readPriceFile } from './prices';
export type { ModelPrice, PriceTable, TokenUsage } from './prices';
export { loadPriceBook } from './load-prices';
export { observeStream, isStainlessStream } from './stream';
export type { ChunkObserver } from './stream';
export { reportInternal } from './safe';
export type { GenAiTelemetry } from './telemetry';
export { setNumber, setStringArray } from './attributes';
export type { GenAiConfig } from './config';
