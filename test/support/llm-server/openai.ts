import { sleep } from './server';
import type { LlmRequest, LlmResponder, LlmServer } from './server';

/** The assistant's reply, streamed word by word. */
export const REPLY_WORDS = ['Hello', ' from', ' the', ' test', ' server.'];
export const REPLY = REPLY_WORDS.join('');
/** Usage the server reports for every chat call. */
export const USAGE = { prompt_tokens: 1200, completion_tokens: 300, cached_tokens: 200 };
/** Chunks a `slow` stream sends, 25 ms apart (time enough to abort in between). */
const SLOW_CHUNKS = 40;
const CREATED = 1_700_000_000;

/**
 * OpenAI's wire format: chat completions, Responses API, embeddings and legacy completions,
 * JSON and SSE. Scenarios (`x-llm-scenario` header): `ok`, `error-429`, `error-500`,
 * `stream-error` (an error event after two chunks), `stream-cut` (connection dropped after two
 * chunks), `slow` (many chunks, 25 ms apart), `tools` (a tool call, then text once the request
 * carries the tool's answer). Streams honour `stream_options.include_usage` like the real API:
 * `usage: null` on every chunk, then a usage-only chunk.
 */
export function addOpenAIRoutes(server: LlmServer): LlmServer {
  return server
    .route('POST', '/v1/chat/completions', chat)
    .route('POST', '/openai/deployments/my-deployment/chat/completions', chat)
    .route('POST', '/v1/completions', completions)
    .route('POST', '/v1/embeddings', embeddings)
    .route('POST', '/v1/responses', responses);
}

function errorFor(request: LlmRequest, respond: LlmResponder): boolean {
  if (request.scenario === 'error-429') {
    respond.json(
      429,
      { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
      { 'retry-after': '0' },
    );
    return true;
  }
  if (request.scenario === 'error-500') {
    respond.json(500, { error: { message: 'The server had an error', type: 'server_error' } });
    return true;
  }
  return false;
}

function idOf(prefix: string, request: LlmRequest): string {
  return `${prefix}-${request.scenario}`;
}

function modelOf(request: LlmRequest): string {
  return typeof request.body.model === 'string' ? request.body.model : 'unknown';
}

function chatUsage() {
  return {
    prompt_tokens: USAGE.prompt_tokens,
    completion_tokens: USAGE.completion_tokens,
    total_tokens: USAGE.prompt_tokens + USAGE.completion_tokens,
    prompt_tokens_details: { cached_tokens: USAGE.cached_tokens },
  };
}

function wantsTool(request: LlmRequest): boolean {
  if (request.scenario !== 'tools') return false;
  const messages = Array.isArray(request.body.messages) ? request.body.messages : [];
  const last = messages[messages.length - 1] as { role?: unknown } | undefined;
  return last?.role !== 'tool';
}

const TOOL_CALL = {
  id: 'call_1',
  type: 'function',
  function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
};

async function chat(request: LlmRequest, respond: LlmResponder): Promise<void> {
  if (errorFor(request, respond)) return;
  const model = modelOf(request);
  const id = idOf('chatcmpl', request);
  const tool = wantsTool(request);
  if (request.body.stream !== true) {
    respond.json(200, {
      id,
      object: 'chat.completion',
      created: CREATED,
      model,
      choices: [
        {
          index: 0,
          message: tool
            ? { role: 'assistant', content: null, tool_calls: [TOOL_CALL], refusal: null }
            : { role: 'assistant', content: REPLY, refusal: null },
          logprobs: null,
          finish_reason: tool ? 'tool_calls' : 'stop',
        },
      ],
      usage: chatUsage(),
    });
    return;
  }
  const includeUsage =
    (request.body.stream_options as { include_usage?: unknown } | undefined)?.include_usage ===
    true;
  const chunk = (delta: unknown, finish: string | null) => ({
    id,
    object: 'chat.completion.chunk',
    created: CREATED,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  respond.startSse();
  respond.sse(chunk({ role: 'assistant', content: '', refusal: null }, null));
  if (tool) {
    respond.sse(
      chunk(
        {
          tool_calls: [
            {
              index: 0,
              id: TOOL_CALL.id,
              type: 'function',
              function: { name: 'get_weather', arguments: '' },
            },
          ],
        },
        null,
      ),
    );
    respond.sse(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }, null));
    respond.sse(chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }, null));
    respond.sse(chunk({}, 'tool_calls'));
  } else {
    const words = request.scenario === 'slow' ? slowWords() : REPLY_WORDS;
    for (let i = 0; i < words.length; i++) {
      if (request.scenario === 'slow') {
        await sleep(25);
        if (respond.res.destroyed) return;
      }
      respond.sse(chunk({ content: words[i] }, null));
      if (i === 1 && request.scenario === 'stream-error') {
        respond.sse({ error: { message: 'The model crashed', type: 'server_error' } });
        respond.end();
        return;
      }
      if (i === 1 && request.scenario === 'stream-cut') {
        await sleep(10);
        respond.cut();
        return;
      }
    }
    respond.sse(chunk({}, 'stop'));
  }
  if (includeUsage) {
    respond.sse({
      id,
      object: 'chat.completion.chunk',
      created: CREATED,
      model,
      choices: [],
      usage: chatUsage(),
    });
  }
  respond.sse('[DONE]');
  respond.end();
}

function slowWords(): string[] {
  return Array.from({ length: SLOW_CHUNKS }, (_, i) => `w${i} `);
}

async function completions(request: LlmRequest, respond: LlmResponder): Promise<void> {
  if (errorFor(request, respond)) return;
  const model = modelOf(request);
  const id = idOf('cmpl', request);
  if (request.body.stream !== true) {
    respond.json(200, {
      id,
      object: 'text_completion',
      created: CREATED,
      model,
      choices: [{ index: 0, text: REPLY, logprobs: null, finish_reason: 'length' }],
      usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
    });
    return;
  }
  const includeUsage =
    (request.body.stream_options as { include_usage?: unknown } | undefined)?.include_usage ===
    true;
  respond.startSse();
  for (let i = 0; i < REPLY_WORDS.length; i++) {
    respond.sse({
      id,
      object: 'text_completion',
      created: CREATED,
      model,
      choices: [
        {
          index: 0,
          text: REPLY_WORDS[i],
          logprobs: null,
          finish_reason: i === REPLY_WORDS.length - 1 ? 'stop' : null,
        },
      ],
      ...(includeUsage ? { usage: null } : {}),
    });
  }
  if (includeUsage) {
    respond.sse({
      id,
      object: 'text_completion',
      created: CREATED,
      model,
      choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
    });
  }
  respond.sse('[DONE]');
  respond.end();
}

function embeddings(request: LlmRequest, respond: LlmResponder): void {
  if (errorFor(request, respond)) return;
  const inputs = Array.isArray(request.body.input) ? request.body.input : [request.body.input];
  respond.json(200, {
    object: 'list',
    model: modelOf(request),
    data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: [0.1, 0.2, 0.3] })),
    usage: { prompt_tokens: 8, total_tokens: 8 },
  });
}

function responseObject(request: LlmRequest, status: 'in_progress' | 'completed') {
  const done = status === 'completed';
  return {
    id: idOf('resp', request),
    object: 'response',
    created_at: CREATED,
    status,
    model: modelOf(request),
    output: done
      ? [
          {
            id: 'msg_1',
            type: 'message',
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text: REPLY, annotations: [] }],
          },
        ]
      : [],
    usage: done
      ? {
          input_tokens: 1000,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 100,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 1100,
        }
      : null,
    error: null,
    incomplete_details: null,
    instructions: request.body.instructions ?? null,
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    temperature: request.body.temperature ?? 1,
    top_p: 1,
    metadata: {},
    text: { format: { type: 'text' } },
  };
}

function responses(request: LlmRequest, respond: LlmResponder): void {
  if (errorFor(request, respond)) return;
  if (request.body.stream !== true) {
    respond.json(200, responseObject(request, 'completed'));
    return;
  }
  let seq = 0;
  const send = (type: string, fields: Record<string, unknown>) =>
    respond.sse({ type, sequence_number: seq++, ...fields }, type);
  respond.startSse();
  send('response.created', { response: responseObject(request, 'in_progress') });
  send('response.output_item.added', {
    output_index: 0,
    item: { id: 'msg_1', type: 'message', status: 'in_progress', role: 'assistant', content: [] },
  });
  send('response.content_part.added', {
    item_id: 'msg_1',
    output_index: 0,
    content_index: 0,
    part: { type: 'output_text', text: '', annotations: [] },
  });
  for (let i = 0; i < REPLY_WORDS.length; i++) {
    send('response.output_text.delta', {
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      delta: REPLY_WORDS[i],
    });
    if (i === 1 && request.scenario === 'stream-error') {
      send('error', { code: 'server_error', message: 'The model crashed', param: null });
      respond.end();
      return;
    }
  }
  send('response.output_text.done', {
    item_id: 'msg_1',
    output_index: 0,
    content_index: 0,
    text: REPLY,
  });
  send('response.content_part.done', {
    item_id: 'msg_1',
    output_index: 0,
    content_index: 0,
    part: { type: 'output_text', text: REPLY, annotations: [] },
  });
  send('response.output_item.done', {
    output_index: 0,
    item: {
      id: 'msg_1',
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: REPLY, annotations: [] }],
    },
  });
  send('response.completed', { response: responseObject(request, 'completed') });
  respond.end();
}
