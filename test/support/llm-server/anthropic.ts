import { sleep } from './server';
import type { LlmRequest, LlmResponder, LlmServer } from './server';

/** The assistant's reply, streamed word by word. */
export const CLAUDE_REPLY_WORDS = ['Hello', ' from', ' the', ' test', ' server.'];
export const CLAUDE_REPLY = CLAUDE_REPLY_WORDS.join('');
/** Usage the server reports for every message (Anthropic counts cache tokens apart). */
export const CLAUDE_USAGE = {
  input_tokens: 1000,
  output_tokens: 300,
  cache_read_input_tokens: 200,
  cache_creation_input_tokens: 100,
};
/** The tool call of the `tools` scenario. */
export const CLAUDE_TOOL_USE = {
  type: 'tool_use',
  id: 'toolu_1',
  name: 'get_weather',
  input: { city: 'Paris' },
};
/** Events a `slow` stream sends, 25 ms apart (time enough to abort in between). */
const SLOW_DELTAS = 40;

/**
 * Anthropic's wire format for `POST /v1/messages`, JSON and SSE (`message_start`,
 * `content_block_start`/`_delta`/`_stop`, `message_delta` with usage, `message_stop`, `ping`,
 * `error`). Scenarios (`x-llm-scenario` header): `ok`, `error-429`, `error-500`, `stream-error`
 * (an `error` event after a few events), `stream-cut` (connection dropped mid-stream), `slow`
 * (many deltas, 25 ms apart), `tools` (a `tool_use` block, then text once the request carries
 * the `tool_result`).
 */
export function addAnthropicRoutes(server: LlmServer): LlmServer {
  return server.route('POST', '/v1/messages', messages);
}

function modelOf(request: LlmRequest): string {
  return typeof request.body.model === 'string' ? request.body.model : 'unknown';
}

function wantsTool(request: LlmRequest): boolean {
  if (request.scenario !== 'tools') return false;
  const messages = Array.isArray(request.body.messages) ? request.body.messages : [];
  const last = messages[messages.length - 1] as { content?: unknown } | undefined;
  const blocks = Array.isArray(last?.content) ? (last.content as { type?: unknown }[]) : [];
  return !blocks.some((b) => b.type === 'tool_result');
}

function errorFor(request: LlmRequest, respond: LlmResponder): boolean {
  if (request.scenario === 'error-429') {
    respond.json(
      429,
      { type: 'error', error: { type: 'rate_limit_error', message: 'Rate limit reached' } },
      { 'retry-after': '0' },
    );
    return true;
  }
  if (request.scenario === 'error-500') {
    respond.json(500, { type: 'error', error: { type: 'api_error', message: 'Internal error' } });
    return true;
  }
  return false;
}

async function messages(request: LlmRequest, respond: LlmResponder): Promise<void> {
  if (errorFor(request, respond)) return;
  const model = modelOf(request);
  const id = `msg_${request.scenario}`;
  const tool = wantsTool(request);
  if (request.body.stream !== true) {
    respond.json(200, {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: tool ? [CLAUDE_TOOL_USE] : [{ type: 'text', text: CLAUDE_REPLY }],
      stop_reason: tool ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: CLAUDE_USAGE,
    });
    return;
  }
  respond.startSse();
  const send = (type: string, data: Record<string, unknown>): void =>
    respond.sse({ type, ...data }, type);
  send('message_start', {
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...CLAUDE_USAGE, output_tokens: 1 },
    },
  });
  if (tool) {
    send('content_block_start', {
      index: 0,
      content_block: { ...CLAUDE_TOOL_USE, input: {} },
    });
    for (const part of ['{"city":', '"Paris"}']) {
      send('content_block_delta', {
        index: 0,
        delta: { type: 'input_json_delta', partial_json: part },
      });
    }
    send('content_block_stop', { index: 0 });
  } else {
    send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    send('ping', {});
    const words =
      request.scenario === 'slow'
        ? Array.from({ length: SLOW_DELTAS }, (_, i) => `w${i} `)
        : CLAUDE_REPLY_WORDS;
    for (const [i, word] of words.entries()) {
      if (request.scenario === 'slow') await sleep(25);
      if (respond.res.destroyed) return;
      send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: word } });
      if (i === 1 && request.scenario === 'stream-error') {
        send('error', { error: { type: 'overloaded_error', message: 'Overloaded' } });
        respond.end();
        return;
      }
      if (i === 1 && request.scenario === 'stream-cut') {
        // Let the two deltas reach the client before the connection drops.
        await sleep(50);
        respond.cut();
        return;
      }
    }
    send('content_block_stop', { index: 0 });
  }
  send('message_delta', {
    delta: { stop_reason: tool ? 'tool_use' : 'end_turn', stop_sequence: null },
    usage: { output_tokens: CLAUDE_USAGE.output_tokens },
  });
  send('message_stop', {});
  respond.end();
}
