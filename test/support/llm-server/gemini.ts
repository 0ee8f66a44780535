import { sleep } from './server';
import type { LlmRequest, LlmResponder, LlmServer } from './server';

/** The model's reply, streamed word by word. */
export const GEMINI_REPLY_WORDS = ['Hello', ' from', ' the', ' test', ' server.'];
export const GEMINI_REPLY = GEMINI_REPLY_WORDS.join('');
/** The thought summary of the `thoughts` scenario. */
export const GEMINI_THOUGHT = 'The user wants a greeting.';
/**
 * Usage the server reports for every `generateContent` call: 1200 prompt tokens of which 200
 * were served from the cache, 300 answer tokens and 100 thinking tokens.
 */
export const GEMINI_USAGE = {
  promptTokenCount: 1200,
  cachedContentTokenCount: 200,
  candidatesTokenCount: 300,
  thoughtsTokenCount: 100,
  totalTokenCount: 1600,
} as const;
/** Tokens Vertex AI's `predict` reports per embedded text (`statistics.token_count`). */
export const GEMINI_EMBEDDING_TOKENS = 8;
/** The function call of the `tools` scenario. */
export const GEMINI_FUNCTION_CALL = { name: 'get_weather', args: { city: 'Paris' } };
/** Chunks a `slow` stream sends, 25 ms apart (time enough to abort or break in between). */
const SLOW_CHUNKS = 40;
/** The route that lists what the server reported (see {@link GeminiReport}). */
export const GEMINI_REPORT_PATH = '/_test/gemini/reported';

/**
 * Token counts of one complete response, as the server sent them, under the trace id of the
 * request's `traceparent` header (the LLM span's trace, when the app is instrumented): tests sum
 * what the spans of each trace recorded and compare.
 */
export interface GeminiReport {
  readonly traceId: string | undefined;
  readonly path: string;
  readonly promptTokenCount: number;
  readonly totalTokenCount: number;
}

// The Gemini API: /v1beta/models/{model}:{method}; Vertex AI: /v1beta1/[projects/{p}/locations/
// {l}/]publishers/google/models/{model}:{method} (the project part is absent in express mode).
const GEMINI_PATH =
  /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(generateContent|streamGenerateContent|batchEmbedContents)$/;
const VERTEX_PATH =
  /^\/v1(?:beta1)?\/(?:projects\/[^/]+\/locations\/[^/]+\/)?publishers\/google\/models\/([^/:]+):(generateContent|streamGenerateContent|predict|embedContent)$/;

/**
 * Google's Gemini wire format, for the Gemini API and Vertex AI paths: `generateContent` (JSON),
 * `streamGenerateContent?alt=sse` (SSE, usage on every chunk as the real API sends it),
 * `batchEmbedContents` (Gemini API: embeddings, no token counts), `predict` (Vertex AI text
 * embedding models: per-text `statistics.token_count`) and `embedContent` (Vertex AI Gemini
 * embedding models: `usageMetadata`). Scenarios (`x-llm-scenario` header): `ok`, `thoughts` (a
 * thought summary part before the answer), `tools` (a function call, then text once the request
 * carries the function's response), `max-tokens` (`MAX_TOKENS`), `blocked` (the prompt is
 * blocked: no candidates), `error-429`, `error-500`, `stream-error` (an error chunk after two
 * chunks), `stream-cut` (connection dropped after two chunks), `slow` (many chunks, 25 ms apart).
 * `GET /_test/gemini/reported` lists the usage of every complete response ({@link GeminiReport}).
 */
export function addGeminiRoutes(server: LlmServer): LlmServer {
  const reported: GeminiReport[] = [];
  const handler = (pattern: RegExp) => (request: LlmRequest, respond: LlmResponder) => {
    const [, model = 'unknown', method = ''] = pattern.exec(request.path) ?? [];
    const vertex = pattern === VERTEX_PATH;
    return handle({ request, respond, model, method, vertex, reported });
  };
  return server
    .routeMatching('POST', GEMINI_PATH, handler(GEMINI_PATH))
    .routeMatching('POST', VERTEX_PATH, handler(VERTEX_PATH))
    .route('GET', GEMINI_REPORT_PATH, (_request, respond) => respond.json(200, reported));
}

interface Exchange {
  readonly request: LlmRequest;
  readonly respond: LlmResponder;
  readonly model: string;
  readonly method: string;
  readonly vertex: boolean;
  readonly reported: GeminiReport[];
}

function handle(x: Exchange): Promise<void> | void {
  if (errorFor(x.request, x.respond)) return;
  switch (x.method) {
    case 'generateContent':
      return generateContent(x);
    case 'streamGenerateContent':
      return streamGenerateContent(x);
    default:
      return embed(x);
  }
}

function errorFor(request: LlmRequest, respond: LlmResponder): boolean {
  if (request.scenario === 'error-429') {
    respond.json(429, {
      error: {
        code: 429,
        message: 'Resource has been exhausted (e.g. check quota).',
        status: 'RESOURCE_EXHAUSTED',
      },
    });
    return true;
  }
  if (request.scenario === 'error-500') {
    respond.json(500, {
      error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' },
    });
    return true;
  }
  return false;
}

function traceIdOf(request: LlmRequest): string | undefined {
  const header = request.headers.traceparent;
  return typeof header === 'string' ? header.split('-')[1] : undefined;
}

function report(x: Exchange, usage: { promptTokenCount: number; totalTokenCount: number }): void {
  x.reported.push({
    traceId: traceIdOf(x.request),
    path: x.request.path,
    promptTokenCount: usage.promptTokenCount,
    totalTokenCount: usage.totalTokenCount,
  });
}

/** Whether the request's last turn answers a function call (the model then replies in text). */
function answersFunction(request: LlmRequest): boolean {
  const contents = Array.isArray(request.body.contents) ? request.body.contents : [];
  const last = contents[contents.length - 1] as { parts?: unknown } | undefined;
  const parts = Array.isArray(last?.parts) ? (last.parts as Record<string, unknown>[]) : [];
  return parts.some((p) => p.functionResponse !== undefined);
}

/** The common fields of a response (Vertex AI adds `createTime`). */
function envelope(x: Exchange): Record<string, unknown> {
  return {
    modelVersion: x.model,
    responseId: `resp-${x.request.scenario}`,
    ...(x.vertex ? { createTime: '2026-01-01T00:00:00.000000Z' } : {}),
  };
}

function candidate(parts: unknown[], finishReason?: string): Record<string, unknown> {
  return {
    content: { role: 'model', parts },
    index: 0,
    ...(finishReason === undefined ? {} : { finishReason }),
  };
}

function generateContent(x: Exchange): void {
  const scenario = x.request.scenario;
  if (scenario === 'blocked') {
    const usage = { promptTokenCount: 12, totalTokenCount: 12 };
    x.respond.json(200, {
      promptFeedback: { blockReason: 'SAFETY' },
      usageMetadata: usage,
      ...envelope(x),
    });
    report(x, usage);
    return;
  }
  const tool = scenario === 'tools' && !answersFunction(x.request);
  const parts: unknown[] = tool
    ? [{ functionCall: GEMINI_FUNCTION_CALL }]
    : [
        ...(scenario === 'thoughts' ? [{ text: GEMINI_THOUGHT, thought: true }] : []),
        { text: GEMINI_REPLY },
      ];
  x.respond.json(200, {
    candidates: [candidate(parts, scenario === 'max-tokens' ? 'MAX_TOKENS' : 'STOP')],
    usageMetadata: GEMINI_USAGE,
    ...envelope(x),
  });
  report(x, GEMINI_USAGE);
}

/** Usage on a chunk before the last: the prompt, and the answer so far. */
function partialUsage(answered: number): Record<string, number> {
  const thoughts = GEMINI_USAGE.thoughtsTokenCount;
  return {
    promptTokenCount: GEMINI_USAGE.promptTokenCount,
    cachedContentTokenCount: GEMINI_USAGE.cachedContentTokenCount,
    candidatesTokenCount: answered,
    thoughtsTokenCount: thoughts,
    totalTokenCount: GEMINI_USAGE.promptTokenCount + thoughts + answered,
  };
}

async function streamGenerateContent(x: Exchange): Promise<void> {
  const { request, respond } = x;
  const scenario = request.scenario;
  respond.startSse();
  const send = (parts: unknown[], usage: unknown, finishReason?: string): void =>
    respond.sse({
      candidates: [candidate(parts, finishReason)],
      usageMetadata: usage,
      ...envelope(x),
    });
  if (scenario === 'tools' && !answersFunction(request)) {
    send([{ functionCall: GEMINI_FUNCTION_CALL }], GEMINI_USAGE, 'STOP');
    respond.end();
    report(x, GEMINI_USAGE);
    return;
  }
  if (scenario === 'thoughts') send([{ text: GEMINI_THOUGHT, thought: true }], partialUsage(0));
  const words =
    scenario === 'slow'
      ? Array.from({ length: SLOW_CHUNKS }, (_, i) => `w${i} `)
      : GEMINI_REPLY_WORDS;
  for (const [i, word] of words.entries()) {
    if (scenario === 'slow') await sleep(25);
    if (respond.res.destroyed) return;
    const last = i === words.length - 1;
    if (last) send([{ text: word }], GEMINI_USAGE, 'STOP');
    else send([{ text: word }], partialUsage((i + 1) * 10));
    if (i === 1 && scenario === 'stream-error') {
      respond.sse({
        error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' },
      });
      respond.end();
      return;
    }
    if (i === 1 && scenario === 'stream-cut') {
      // Let the two chunks reach the client before the connection drops.
      await sleep(50);
      respond.cut();
      return;
    }
  }
  respond.end();
  report(x, GEMINI_USAGE);
}

const VECTOR = [0.1, 0.2, 0.3];

function embed(x: Exchange): void {
  const body = x.request.body;
  if (x.method === 'batchEmbedContents') {
    const requests = Array.isArray(body.requests) ? body.requests : [];
    // The Gemini API reports no token counts for embeddings.
    x.respond.json(200, { embeddings: requests.map(() => ({ values: VECTOR })) });
    return;
  }
  if (x.method === 'predict') {
    const instances = Array.isArray(body.instances) ? body.instances : [];
    const tokens = instances.length * GEMINI_EMBEDDING_TOKENS;
    x.respond.json(200, {
      predictions: instances.map(() => ({
        embeddings: {
          values: VECTOR,
          statistics: { token_count: GEMINI_EMBEDDING_TOKENS, truncated: false },
        },
      })),
      metadata: { billableCharacterCount: tokens * 4 },
    });
    report(x, { promptTokenCount: tokens, totalTokenCount: tokens });
    return;
  }
  const usage = {
    promptTokenCount: GEMINI_EMBEDDING_TOKENS,
    totalTokenCount: GEMINI_EMBEDDING_TOKENS,
  };
  x.respond.json(200, { embedding: { values: VECTOR }, usageMetadata: usage, truncated: false });
  report(x, usage);
}
