import { EventStreamCodec } from '@smithy/eventstream-codec';
import type { MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import type { IncomingHttpHeaders } from 'node:http';
import { constants, createServer } from 'node:http2';
import type {
  Http2Server,
  Http2ServerRequest,
  Http2ServerResponse,
  ServerHttp2Session,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import { sleep } from './server';

/** The assistant's reply, streamed word by word. */
export const BEDROCK_REPLY_WORDS = ['Hello', ' from', ' the', ' test', ' server.'];
export const BEDROCK_REPLY = BEDROCK_REPLY_WORDS.join('');
/**
 * Usage the server reports for every call (Bedrock counts cache reads and writes apart from
 * `inputTokens`): the span's input count is their sum, 1300.
 */
export const BEDROCK_USAGE = {
  inputTokens: 1000,
  outputTokens: 300,
  cacheReadInputTokens: 200,
  cacheWriteInputTokens: 100,
  totalTokens: 1600,
};
/** The tool call of the `tools` scenario. */
export const BEDROCK_TOOL_USE = {
  toolUseId: 'tooluse_1',
  name: 'get_weather',
  input: { city: 'Paris' },
};
/** Deltas a `slow` stream sends, 25 ms apart (time enough to abort or break in between). */
const SLOW_DELTAS = 40;

/** One request as the Bedrock server saw it (body parsed as JSON when it is JSON). */
export interface BedrockRequest {
  readonly path: string;
  readonly modelId: string;
  readonly operation: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
  /** Value of the `x-llm-scenario` header (`ok` when absent): how the server should behave. */
  readonly scenario: string;
}

/**
 * A local Amazon Bedrock Runtime on 127.0.0.1 (ephemeral port), speaking its wire format on
 * `POST /model/{modelId}/…` over cleartext HTTP/2, as the SDK's default `NodeHttp2Handler` talks
 * to an `http://` endpoint: `converse` and `invoke` answer JSON; `converse-stream` and
 * `invoke-with-response-stream` answer the binary `application/vnd.amazon.eventstream` framing,
 * built with the SDK's own codec (`@smithy/eventstream-codec`, which computes the prelude and
 * message CRCs). `invoke` bodies follow the model id's family: Anthropic Claude (Messages API),
 * Amazon Nova, Amazon Titan Text and Embeddings, Meta Llama. Errors have the AWS shape
 * (`x-amzn-errortype`, JSON `message`), so the SDK raises its modelled exception class.
 *
 * Scenarios (`x-llm-scenario` header): `ok`; `tools` (a tool call, then text once the request
 * carries its result); `error-400` (ValidationException); `error-429` (ThrottlingException);
 * `stream-cut` (the connection drops after two deltas, which the SDK does not report);
 * `stream-reset` (the stream is reset after two deltas, which the SDK throws); `stream-exception` (a
 * `modelStreamErrorException` event after two deltas); `stream-throttled` (a
 * `throttlingException` event after two deltas); `slow` (40 deltas, 25 ms apart).
 */
export class BedrockServer {
  readonly requests: BedrockRequest[] = [];
  private readonly server: Http2Server;
  private readonly sessions = new Set<ServerHttp2Session>();

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('session', (session) => {
      this.sessions.add(session);
      session.on('close', () => this.sessions.delete(session));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    const address = this.server.address() as AddressInfo | null;
    if (address === null) throw new Error('Bedrock server not started');
    return `http://127.0.0.1:${address.port}`;
  }

  close(): Promise<void> {
    for (const session of this.sessions) session.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: Http2ServerRequest, res: Http2ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
    } catch {
      // Not JSON: handled as an empty body.
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const [, root, encodedModel, operation] = path.split('/');
    const header = req.headers['x-llm-scenario'];
    const request: BedrockRequest = {
      path,
      modelId: decodeURIComponent(encodedModel ?? ''),
      operation: operation ?? '',
      headers: req.headers,
      body,
      scenario: typeof header === 'string' ? header : 'ok',
    };
    this.requests.push(request);
    const respond = new Responder(res);
    if (req.method !== 'POST' || root !== 'model' || !OPERATIONS.has(request.operation)) {
      respond.error(404, 'UnknownOperationException', `no route ${req.method} ${path}`);
      return;
    }
    try {
      await bedrock(request, respond);
    } catch (error) {
      if (!res.headersSent) respond.error(500, 'InternalServerException', String(error));
      else respond.cut();
    }
  }
}

/** A started {@link BedrockServer}. */
export function startBedrockServer(): Promise<BedrockServer> {
  return new BedrockServer().start();
}

const OPERATIONS = new Set([
  'converse',
  'converse-stream',
  'invoke',
  'invoke-with-response-stream',
]);

/** What a route answers with: JSON, an AWS error, an event stream, or a cut connection. */
class Responder {
  constructor(private readonly res: Http2ServerResponse) {}

  json(status: number, body: unknown, headers: Record<string, string>): void {
    const text = JSON.stringify(body);
    this.res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    this.res.end(text);
  }

  /** An error in the AWS JSON protocol's shape: the type in `x-amzn-errortype`. */
  error(status: number, type: string, message: string): void {
    this.json(
      status,
      { message },
      {
        'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
      },
    );
  }

  startStream(headers: Record<string, string>): void {
    this.res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', ...headers });
  }

  write(frame: Uint8Array): void {
    this.res.write(frame);
  }

  end(frame?: Uint8Array): void {
    if (frame === undefined) this.res.end();
    else this.res.end(frame);
  }

  get destroyed(): boolean {
    return this.res.stream.destroyed;
  }

  /**
   * Drops the connection without finishing the response (a network failure mid-stream). Between
   * two events the SDK's iterator then ends as if the stream were complete.
   */
  cut(): void {
    this.res.stream.session?.destroy();
  }

  /** Resets the stream (HTTP/2 `RST_STREAM`, `INTERNAL_ERROR`): the SDK's iterator throws. */
  reset(): void {
    this.res.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
  }
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

type Family = 'anthropic' | 'nova' | 'titan-text' | 'titan-embed' | 'llama';

async function bedrock(request: BedrockRequest, respond: Responder): Promise<void> {
  if (errorFor(request, respond)) return;
  const tool = wantsTool(request);
  const requestId = { 'x-amzn-requestid': `req-${request.scenario}` };
  switch (request.operation) {
    case 'converse':
      respond.json(200, converseReply(tool), requestId);
      return;
    case 'converse-stream':
      await stream(request, respond, converseEvents(tool, words(request)));
      return;
    case 'invoke':
      respond.json(200, invokeReply(familyOf(request.modelId), tool), requestId);
      return;
    default:
      await stream(
        request,
        respond,
        invokeChunks(familyOf(request.modelId), tool, words(request)).map((chunk) => ({
          type: 'chunk',
          body: { bytes: Buffer.from(JSON.stringify(chunk)).toString('base64') },
        })),
      );
  }
}

function familyOf(modelId: string): Family {
  const base = modelId.replace(/^(?:us|eu|apac|global)\./, '');
  if (base.startsWith('anthropic.')) return 'anthropic';
  if (base.startsWith('amazon.nova-')) return 'nova';
  if (base.startsWith('amazon.titan-embed')) return 'titan-embed';
  if (base.startsWith('amazon.titan-')) return 'titan-text';
  if (base.startsWith('meta.')) return 'llama';
  throw new Error(`no body format for ${modelId}`);
}

function words(request: BedrockRequest): string[] {
  return request.scenario === 'slow'
    ? Array.from({ length: SLOW_DELTAS }, (_, i) => `w${i} `)
    : BEDROCK_REPLY_WORDS;
}

/** The `tools` scenario asks for a tool until the request carries a tool result. */
function wantsTool(request: BedrockRequest): boolean {
  if (request.scenario !== 'tools') return false;
  const messages = Array.isArray(request.body.messages) ? request.body.messages : [];
  const last = messages[messages.length - 1] as { content?: unknown } | undefined;
  const blocks = Array.isArray(last?.content) ? (last.content as Record<string, unknown>[]) : [];
  return !blocks.some((b) => b.toolResult !== undefined || b.type === 'tool_result');
}

function errorFor(request: BedrockRequest, respond: Responder): boolean {
  if (request.scenario === 'error-400') {
    respond.error(400, 'ValidationException', 'Malformed input request, please reformat.');
    return true;
  }
  if (request.scenario === 'error-429') {
    respond.error(429, 'ThrottlingException', 'Too many requests, please wait.');
    return true;
  }
  return false;
}

// ------------------------------------------------------------------ Converse

function converseReply(tool: boolean): Record<string, unknown> {
  return {
    output: {
      message: {
        role: 'assistant',
        content: tool ? [{ toolUse: BEDROCK_TOOL_USE }] : [{ text: BEDROCK_REPLY }],
      },
    },
    stopReason: tool ? 'tool_use' : 'end_turn',
    usage: BEDROCK_USAGE,
    metrics: { latencyMs: 12 },
  };
}

/** One event of an event stream: its `:event-type` and JSON payload. */
interface StreamEvent {
  readonly type: string;
  readonly body: unknown;
}

function converseEvents(tool: boolean, deltas: string[]): StreamEvent[] {
  const events: StreamEvent[] = [{ type: 'messageStart', body: { role: 'assistant' } }];
  if (tool) {
    const { toolUseId, name } = BEDROCK_TOOL_USE;
    events.push({
      type: 'contentBlockStart',
      body: { contentBlockIndex: 0, start: { toolUse: { toolUseId, name } } },
    });
    for (const input of ['{"city":', '"Paris"}']) {
      events.push({
        type: 'contentBlockDelta',
        body: { contentBlockIndex: 0, delta: { toolUse: { input } } },
      });
    }
  } else {
    for (const text of deltas) {
      events.push({ type: 'contentBlockDelta', body: { contentBlockIndex: 0, delta: { text } } });
    }
  }
  events.push(
    { type: 'contentBlockStop', body: { contentBlockIndex: 0 } },
    { type: 'messageStop', body: { stopReason: tool ? 'tool_use' : 'end_turn' } },
    { type: 'metadata', body: { usage: BEDROCK_USAGE, metrics: { latencyMs: 12 } } },
  );
  return events;
}

// ------------------------------------------------------------------ InvokeModel bodies

const INVOCATION_METRICS = {
  inputTokenCount: BEDROCK_USAGE.inputTokens,
  outputTokenCount: BEDROCK_USAGE.outputTokens,
  cacheReadInputTokenCount: BEDROCK_USAGE.cacheReadInputTokens,
  cacheWriteInputTokenCount: BEDROCK_USAGE.cacheWriteInputTokens,
  invocationLatency: 120,
  firstByteLatency: 30,
};

const ANTHROPIC_USAGE = {
  input_tokens: BEDROCK_USAGE.inputTokens,
  output_tokens: BEDROCK_USAGE.outputTokens,
  cache_read_input_tokens: BEDROCK_USAGE.cacheReadInputTokens,
  cache_creation_input_tokens: BEDROCK_USAGE.cacheWriteInputTokens,
};

const NOVA_USAGE = {
  inputTokens: BEDROCK_USAGE.inputTokens,
  outputTokens: BEDROCK_USAGE.outputTokens,
  totalTokens: BEDROCK_USAGE.totalTokens,
  cacheReadInputTokenCount: BEDROCK_USAGE.cacheReadInputTokens,
  cacheWriteInputTokenCount: BEDROCK_USAGE.cacheWriteInputTokens,
};

/** The `model` a Claude reply names (Bedrock answers with Anthropic's own model name). */
export const BEDROCK_CLAUDE_MODEL = 'claude-sonnet-4-5-20250929';

function invokeReply(family: Family, tool: boolean): Record<string, unknown> {
  switch (family) {
    case 'anthropic':
      return {
        id: 'msg_bdrk_ok',
        type: 'message',
        role: 'assistant',
        model: BEDROCK_CLAUDE_MODEL,
        content: tool
          ? [
              {
                type: 'tool_use',
                id: BEDROCK_TOOL_USE.toolUseId,
                name: BEDROCK_TOOL_USE.name,
                input: BEDROCK_TOOL_USE.input,
              },
            ]
          : [{ type: 'text', text: BEDROCK_REPLY }],
        stop_reason: tool ? 'tool_use' : 'end_turn',
        stop_sequence: null,
        usage: ANTHROPIC_USAGE,
      };
    case 'nova':
      return {
        output: {
          message: {
            role: 'assistant',
            content: tool ? [{ toolUse: BEDROCK_TOOL_USE }] : [{ text: BEDROCK_REPLY }],
          },
        },
        stopReason: tool ? 'tool_use' : 'end_turn',
        usage: NOVA_USAGE,
      };
    case 'titan-text':
      return {
        inputTextTokenCount: BEDROCK_USAGE.inputTokens,
        results: [
          {
            tokenCount: BEDROCK_USAGE.outputTokens,
            outputText: BEDROCK_REPLY,
            completionReason: 'FINISH',
          },
        ],
      };
    case 'titan-embed':
      return { embedding: [0.1, 0.2, 0.3], inputTextTokenCount: 12 };
    case 'llama':
      return {
        generation: BEDROCK_REPLY,
        prompt_token_count: BEDROCK_USAGE.inputTokens,
        generation_token_count: BEDROCK_USAGE.outputTokens,
        stop_reason: 'stop',
      };
  }
}

/** The chunk bodies of a streamed invocation; the last carries the invocation metrics. */
function invokeChunks(family: Family, tool: boolean, deltas: string[]): Record<string, unknown>[] {
  const chunks = familyChunks(family, tool, deltas);
  const last = chunks[chunks.length - 1]!;
  last['amazon-bedrock-invocationMetrics'] = INVOCATION_METRICS;
  return chunks;
}

function familyChunks(family: Family, tool: boolean, deltas: string[]): Record<string, unknown>[] {
  switch (family) {
    case 'anthropic':
      return anthropicChunks(tool, deltas);
    case 'nova':
      return converseEvents(tool, deltas).map((e) => ({ [e.type]: e.body }));
    case 'titan-text':
      return deltas.map((outputText, i) => ({
        outputText,
        index: 0,
        totalOutputTextTokenCount: i === deltas.length - 1 ? BEDROCK_USAGE.outputTokens : i + 1,
        completionReason: i === deltas.length - 1 ? 'FINISH' : null,
        inputTextTokenCount: i === 0 ? BEDROCK_USAGE.inputTokens : null,
      }));
    case 'llama':
      return deltas.map((generation, i) => ({
        generation,
        prompt_token_count: i === 0 ? BEDROCK_USAGE.inputTokens : null,
        generation_token_count: i === deltas.length - 1 ? BEDROCK_USAGE.outputTokens : i + 1,
        stop_reason: i === deltas.length - 1 ? 'stop' : null,
      }));
    case 'titan-embed':
      throw new Error('embeddings do not stream');
  }
}

function anthropicChunks(tool: boolean, deltas: string[]): Record<string, unknown>[] {
  const chunks: Record<string, unknown>[] = [
    {
      type: 'message_start',
      message: {
        id: 'msg_bdrk_ok',
        type: 'message',
        role: 'assistant',
        model: BEDROCK_CLAUDE_MODEL,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...ANTHROPIC_USAGE, output_tokens: 1 },
      },
    },
  ];
  if (tool) {
    const { toolUseId, name } = BEDROCK_TOOL_USE;
    chunks.push({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'tool_use', id: toolUseId, name, input: {} },
    });
    for (const part of ['{"city":', '"Paris"}']) {
      chunks.push({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'input_json_delta', partial_json: part },
      });
    }
  } else {
    chunks.push({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    });
    for (const text of deltas) {
      chunks.push({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
    }
  }
  chunks.push(
    { type: 'content_block_stop', index: 0 },
    {
      type: 'message_delta',
      delta: { stop_reason: tool ? 'tool_use' : 'end_turn', stop_sequence: null },
      usage: { output_tokens: BEDROCK_USAGE.outputTokens },
    },
    { type: 'message_stop' },
  );
  return chunks;
}

// ------------------------------------------------------------------ the event stream

function frame(headers: MessageHeaders, body: unknown): Uint8Array {
  return codec.encode({ headers, body: fromUtf8(JSON.stringify(body)) });
}

function eventFrame(event: StreamEvent): Uint8Array {
  return frame(
    {
      ':event-type': { type: 'string', value: event.type },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    event.body,
  );
}

function exceptionFrame(type: string, body: Record<string, unknown>): Uint8Array {
  return frame(
    {
      ':exception-type': { type: 'string', value: type },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'exception' },
    },
    body,
  );
}

/**
 * Sends `events` as an event stream, each in its own write; the stream scenarios break it off
 * after the second delta (a cut connection, or an exception event).
 */
async function stream(
  request: BedrockRequest,
  respond: Responder,
  events: StreamEvent[],
): Promise<void> {
  respond.startStream({
    'x-amzn-requestid': `req-${request.scenario}`,
    'x-amzn-bedrock-content-type': 'application/json',
  });
  let deltas = 0;
  for (const event of events) {
    if (request.scenario === 'slow' && deltas > 0) await sleep(25);
    if (respond.destroyed) return;
    respond.write(eventFrame(event));
    if (!isDelta(event) || ++deltas !== 2) continue;
    if (request.scenario === 'stream-cut' || request.scenario === 'stream-reset') {
      // Let the two deltas reach the client before the connection drops.
      await sleep(50);
      if (request.scenario === 'stream-cut') respond.cut();
      else respond.reset();
      return;
    }
    if (request.scenario === 'stream-exception') {
      respond.end(
        exceptionFrame('modelStreamErrorException', {
          message: 'The model failed mid-stream.',
          originalStatusCode: 500,
          originalMessage: 'internal error',
        }),
      );
      return;
    }
    if (request.scenario === 'stream-throttled') {
      respond.end(
        exceptionFrame('throttlingException', { message: 'Too many tokens, slow down.' }),
      );
      return;
    }
  }
  respond.end();
}

/** A text or tool-input delta, in either operation's stream. */
function isDelta(event: StreamEvent): boolean {
  if (event.type === 'contentBlockDelta') return true;
  if (event.type !== 'chunk') return false;
  const bytes = (event.body as { bytes: string }).bytes;
  const chunk = JSON.parse(Buffer.from(bytes, 'base64').toString('utf8')) as Record<
    string,
    unknown
  >;
  return (
    chunk.type === 'content_block_delta' ||
    chunk.contentBlockDelta !== undefined ||
    typeof chunk.outputText === 'string' ||
    typeof chunk.generation === 'string'
  );
}
