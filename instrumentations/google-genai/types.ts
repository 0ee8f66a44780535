/**
 * The parts of `@google/genai`'s objects the adapters read, as they are at run time (the SDK's
 * own types are not imported: it is an optional peer, and we never trust a payload's shape, so
 * every field is read through the narrowing helpers of genai/narrow.ts).
 */

/** `ApiClient`, the `apiClient` field of every `Models` instance (methods in 1.x–3.x). */
export interface GoogleApiClient {
  isVertexAI?(): boolean;
  getBaseUrl?(): string;
}

/** `Models`, the receiver (`this`) of the patched methods. */
export interface GoogleModels {
  readonly apiClient?: GoogleApiClient;
}

/** Provider name for a Gemini API (Google AI Studio) client. */
export const PROVIDER_GEMINI = 'gcp.gemini';
/** Provider name for a Vertex AI client (`vertexai: true`). */
export const PROVIDER_VERTEX_AI = 'gcp.vertex_ai';

/**
 * The `Models.prototype` methods that send one model request each, in every supported version.
 * The public `models.generateContent`, `generateContentStream` and `embedContent` are arrow
 * functions assigned per instance in the constructor; they (and the chats, automatic function
 * calling and automatic continuation built on them) end in these.
 */
export const METHOD_GENERATE_CONTENT = 'generateContentInternal';
export const METHOD_GENERATE_CONTENT_STREAM = 'generateContentStreamInternal';
export const METHOD_EMBED_CONTENT = 'embedContentInternal';
/** Before `embedContentInternal` existed (1.x), `embedContent` itself was a prototype method. */
export const METHOD_EMBED_CONTENT_LEGACY = 'embedContent';
