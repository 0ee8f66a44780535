import { sleep } from './server';
import type { LlmRequest, LlmResponder, LlmServer } from './server';

/** The assistant's reply, streamed word by word. */
export const REPLY_WORDS = ['Hello', ' from', ' the', ' test', ' server.'];
export const REPLY = REPLY_WORDS.join('');
/** Usage the server reports for every chat call. */
export const USAGE = { prompt_tokens: 1200, completion_tokens: 300, cached_tokens: 200 };
/** The reply of the `object` scenario: a JSON object, for structured-output requests. */
export const OBJECT_REPLY = '{"city":"Paris","temperature":20}';
/** Chunks a `slow` stream sends, 25 ms apart (time enough to abort in between). */
const SLOW_CHUNKS = 40;
const CREATED = 1_700_000_000;

/**
 * OpenAI's wire format: chat completions, Responses API, embeddings and legacy completions,
 * JSON and SSE. Scenarios (`x-llm-scenario` header): `ok`, `error-429`, `error-500`,
 * `stream-error` (an error event after two chunks), `stream-cut` (connection dropped after two
 * chunks), `slow` (many chunks, 25 ms apart), `tools` (a tool call, then text once the request
 * carries the tool's answer), `object` (the reply is {@link OBJECT_REPLY}). The Responses API
 * route knows the same scenarios (`tools`: a `function_call` item, then text once the input
 * carries its `function_call_output`). Streams honour `stream_options.include_usage` like the real API:
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
            : { role: 'assistant', content: replyOf(request), refusal: null },
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
    const words = wordsOf(request);
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

/** The reply text of a scenario. */
function replyOf(request: LlmRequest): string {
  return request.scenario === 'object' ? OBJECT_REPLY : REPLY;
}

/** The streamed pieces of a scenario's reply. */
function wordsOf(request: LlmRequest): string[] {
  if (request.scenario === 'slow') return slowWords();
  if (request.scenario === 'object') return [OBJECT_REPLY.slice(0, 10), OBJECT_REPLY.slice(10)];
  return REPLY_WORDS;
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

/** The Responses API's function call of the `tools` scenario. */
const FUNCTION_CALL = {
  id: 'fc_1',
  type: 'function_call',
  status: 'completed',
  call_id: 'call_1',
  name: 'get_weather',
  arguments: '{"city":"Paris"}',
};

/** `tools` scenario on the Responses API: a call until the input carries its output. */
function wantsFunctionCall(request: LlmRequest): boolean {
  if (request.scenario !== 'tools') return false;
  const input = Array.isArray(request.body.input) ? request.body.input : [];
  return !input.some((item) => (item as { type?: unknown }).type === 'function_call_output');
}

function responseOutput(request: LlmRequest): unknown[] {
  if (wantsFunctionCall(request)) return [FUNCTION_CALL];
  return [
    {
      id: 'msg_1',
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: replyOf(request), annotations: [] }],
    },
  ];
}

function responseObject(request: LlmRequest, status: 'in_progress' | 'completed') {
  const done = status === 'completed';
  return {
    id: idOf('resp', request),
    object: 'response',
    created_at: CREATED,
    status,
    model: modelOf(request),
    output: done ? responseOutput(request) : [],
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

async function responses(request: LlmRequest, respond: LlmResponder): Promise<void> {
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
  if (wantsFunctionCall(request)) {
    send('response.output_item.added', {
      output_index: 0,
      item: { ...FUNCTION_CALL, status: 'in_progress', arguments: '' },
    });
    for (const delta of ['{"city":', '"Paris"}']) {
      send('response.function_call_arguments.delta', { item_id: 'fc_1', output_index: 0, delta });
    }
    send('response.function_call_arguments.done', {
      item_id: 'fc_1',
      output_index: 0,
      arguments: FUNCTION_CALL.arguments,
    });
    send('response.output_item.done', { output_index: 0, item: FUNCTION_CALL });
    send('response.completed', { response: responseObject(request, 'completed') });
    respond.end();
    return;
  }
  const reply = replyOf(request);
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
  const words = wordsOf(request);
  for (let i = 0; i < words.length; i++) {
    if (request.scenario === 'slow') {
      await sleep(25);
      if (respond.res.destroyed) return;
    }
    send('response.output_text.delta', {
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      delta: words[i],
    });
    if (i === 1 && request.scenario === 'stream-error') {
      send('error', { code: 'server_error', message: 'The model crashed', param: null });
      respond.end();
      return;
    }
    if (i === 1 && request.scenario === 'stream-cut') {
      await sleep(10);
      respond.cut();
      return;
    }
  }
  send('response.output_text.done', {
    item_id: 'msg_1',
    output_index: 0,
    content_index: 0,
    text: reply,
  });
  send('response.content_part.done', {
    item_id: 'msg_1',
    output_index: 0,
    content_index: 0,
    part: { type: 'output_text', text: reply, annotations: [] },
  });
  send('response.output_item.done', {
    output_index: 0,
    item: {
      id: 'msg_1',
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: reply, annotations: [] }],
    },
  });
  send('response.completed', { response: responseObject(request, 'completed') });
  respond.end();
}
