// What the per-call/per-chunk overhead benchmarks (ai-sdk, langchain) share: their local Chat
// Completions server, their CPU rounds, and their Markdown tables of the spans each variant
// emits, CPU time and instruction counts, each with the added cost over the `baseline` variant.
// `unit` names what one operation is (`call`, `invoke`): the key of the per-operation figure in
// each variant's measures and the word in the column headers.
import { createServer } from 'node:http';
import { formatMicros as fmt, median, runJsonChild } from './llm-bench-support.mjs';

const count = (n) => Math.round(n).toLocaleString('en-US');

/** The spans of one operation and of one stream, per variant (`inventory[v][unit]`, `.stream`). */
export function spanInventory({ variants, labels, inventory, unit, noun = unit }) {
  const lines = [`What each variant emits (spans of one ${noun}, then of one stream):`, ''];
  for (const v of variants) {
    const { [unit]: one, stream } = inventory[v];
    lines.push(`${labels[v]}: ${one.length} spans per ${unit}, ${stream.length} per stream`);
    for (const s of one) lines.push(`    ${s}`);
    if (stream.join() !== one.join()) {
      lines.push('  stream:');
      for (const s of stream) lines.push(`    ${s}`);
    }
  }
  lines.push('');
  return lines.join('\n');
}

/** CPU µs per operation, per stream of `chunks` and per chunk, with what each adds. */
export function cpuTable({ variants, labels, timing, unit, chunks, heading }) {
  const base = timing.baseline;
  const lines = [
    heading,
    '',
    `| variant | µs / ${unit} | added µs / ${unit} | µs / stream (${chunks} chunks) | µs / chunk | added µs / chunk |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const v of variants) {
    const t = timing[v];
    const dash = v === 'baseline' || base === undefined;
    lines.push(
      `| ${labels[v]} | ${fmt(t[unit])} | ${dash ? '—' : fmt(t[unit] - base[unit])} | ${fmt(t.stream)} | ${t.chunk.toFixed(2)} | ${dash ? '—' : (t.chunk - base.chunk).toFixed(2)} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

/** Instructions per operation and per chunk, with what each adds. */
export function instructionsTable({ variants, labels, counts, unit, heading }) {
  const base = counts.baseline;
  const lines = [
    heading,
    '',
    `| variant | instructions / ${unit} | added / ${unit} | instructions / chunk | added / chunk |`,
    '|---|---:|---:|---:|---:|',
  ];
  for (const v of variants) {
    const c = counts[v];
    const dash = v === 'baseline' || base === undefined;
    lines.push(
      `| ${labels[v]} | ${count(c[unit])} | ${dash ? '—' : count(c[unit] - base[unit])} | ${count(c.chunk)} | ${dash ? '—' : count(c.chunk - base.chunk)} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

/**
 * The CPU section of an overhead benchmark: `rounds` rounds of one child process per variant
 * (`script --child <variant> <url>`, printing its JSON measures), then per variant the median
 * over the rounds of the per-`unit`, per-chunk and per-stream times, and the span inventory of
 * its first run.
 */
export async function cpuRounds({ variants, url, rounds, script, unit }) {
  const runs = Object.fromEntries(variants.map((v) => [v, []]));
  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) {
      runs[variant].push(
        await runJsonChild({ name: variant, script, args: ['--child', variant, url] }),
      );
      process.stderr.write('.');
    }
  }
  process.stderr.write('\n');
  const out = {};
  for (const v of variants) {
    out[v] = {
      [unit]: median(runs[v].map((r) => r[unit])),
      chunk: median(runs[v].map((r) => r.chunk)),
      stream: median(runs[v].map((r) => r.stream)),
      inventory: runs[v][0].inventory,
    };
  }
  return out;
}

/**
 * A local OpenAI Chat Completions server: JSON, or SSE of `x-bench-chunks` chunks (then the usage
 * chunk when `stream_options.include_usage` is set, as the real API does; the AI SDK always sets
 * it). Resolves with the listening server.
 */
export function startChatCompletionsServer() {
  const reply = JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1700000000,
    model: 'gpt-4o-mini',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hello there.', refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 20, completion_tokens: 3, total_tokens: 23 },
  });
  const streams = new Map();
  const streamText = (n, usage) => {
    let text = '';
    for (let i = 0; i < n; i++) {
      text += `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"w${i} "},"logprobs":null,"finish_reason":${i === n - 1 ? '"stop"' : 'null'}}]${usage ? ',"usage":null' : ''}}\n\n`;
    }
    if (usage) {
      text += `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":${n},"total_tokens":${20 + n}}}\n\n`;
    }
    return text + 'data: [DONE]\n\n';
  };
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const request = JSON.parse(body);
      if (request.stream !== true) {
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(reply),
        });
        res.end(reply);
        return;
      }
      const n = Number(req.headers['x-bench-chunks'] ?? 10);
      const usage = request.stream_options?.include_usage === true;
      const key = `${n}/${usage}`;
      if (!streams.has(key)) streams.set(key, streamText(n, usage));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(streams.get(key));
    });
  });
  // One connection for the whole child, however slow callgrind makes it: a reconnect after an
  // idle pause (5 s by default, client and server) would be counted as the workload's.
  server.keepAliveTimeout = 600_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
