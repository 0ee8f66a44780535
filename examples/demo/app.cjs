'use strict';
// The demo's application: an ordinary Node service that calls OpenAI and Anthropic and logs
// with pino, with no telemetry code of its own. `npm run demo` runs it under
// `node --require sprintlens/register` against local servers (see run.ts); on its own:
//
//   DEMO_LLM_URL=http://127.0.0.1:PORT node --require sprintlens/register examples/demo/app.cjs
//
// At the end it writes DEMO_REPORT (a JSON file): the lines it logged per severity, and what the
// SDK's own metrics say about the export (retries, drops), read after a clean shutdown.
const { writeFileSync } = require('node:fs');
const { trace } = require('@opentelemetry/api');
const Anthropic = require('@anthropic-ai/sdk');
const OpenAI = require('openai');
const pino = require('pino');
const { Registry } = require('prom-client');
const sprintlens = require('sprintlens');

const LLM_URL = process.env.DEMO_LLM_URL;
const LOG_FILE = process.env.DEMO_LOG_FILE ?? '/dev/null';
const tracer = trace.getTracer('demo-app');

const log = pino({ level: 'trace' }, pino.destination({ dest: LOG_FILE, sync: true }));
/** Lines written per severity, to compare with what was exported. */
const written = { TRACE: 0, DEBUG: 0, INFO: 0, WARN: 0, ERROR: 0, FATAL: 0 };
const LEVELS = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'FATAL',
};
function logAt(level, ...args) {
  written[LEVELS[level]]++;
  log[level](...args);
}

const openai = new OpenAI({
  apiKey: 'sk-demo-not-a-real-key',
  baseURL: `${LLM_URL}/v1`,
  maxRetries: 0,
});
const anthropic = new Anthropic({ apiKey: 'sk-ant-demo', baseURL: LLM_URL, maxRetries: 0 });

/** One "request" of the service: a span around its LLM work and its log lines. */
function handle(name, work) {
  return tracer.startActiveSpan(name, async (span) => {
    try {
      return await work();
    } finally {
      span.end();
    }
  });
}

async function llmWork() {
  await handle('summarise-ticket', async () => {
    logAt('info', 'summarising ticket %s for user %d', 'T-1042', 7);
    const reply = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Summarise ticket T-1042 in one line.' }],
      temperature: 0.2,
    });
    logAt('info', 'summary ready in %d choices', reply.choices.length);
  });

  await handle('stream-answer', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Explain our refund policy.' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    logAt('debug', 'streamed answer of %d characters', text.length);
  });

  await handle('weather-tool', async () => {
    const messages = [{ role: 'user', content: 'What is the weather in Paris?' }];
    const tools = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      },
    ];
    const options = { headers: { 'x-llm-scenario': 'tools' } };
    const first = await openai.chat.completions.create(
      { model: 'gpt-4o', messages, tools },
      options,
    );
    const call = first.choices[0].message.tool_calls[0];
    logAt('info', 'model asked for tool %s', call.function.name);
    messages.push(first.choices[0].message, {
      role: 'tool',
      tool_call_id: call.id,
      content: '{"temperatureC":18}',
    });
    await openai.chat.completions.create({ model: 'gpt-4o', messages, tools }, options);
  });

  await handle('claude-review', async () => {
    await anthropic.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 512,
      system: 'You review pull requests.',
      messages: [{ role: 'user', content: 'Review this diff.' }],
    });
    logAt('info', 'review posted to pull request %d', 311);
  });

  await handle('index-document', async () => {
    await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'refund policy' });
    logAt('debug', 'indexed document %s', 'doc-88');
  });

  await handle('overloaded-call', async () => {
    try {
      await openai.chat.completions.create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello?' }] },
        { headers: { 'x-llm-scenario': 'error-429' } },
      );
    } catch (error) {
      logAt('error', 'LLM call failed: %s', error.constructor.name);
    }
  });
}

/** Traffic: each request is a trace with a few log lines, like a real service's. */
async function traffic() {
  for (let i = 0; i < 400; i++) {
    await handle('GET /api/items/:id', async () => {
      logAt('trace', 'cache lookup for key user:%d', i % 50);
      logAt('trace', 'cache lookup for key item:%d', i);
      logAt('debug', 'GET /api/items/%d 200 %dms', i, 3 + (i % 40));
      logAt('info', 'request %s served in %d ms', `req-${i}`, 5 + (i % 90));
      if (i % 4 === 0) logAt('warn', 'slow query on table %s took %d ms', 'orders', 500 + i);
      if (i % 40 === 7) logAt('error', 'payment %s declined by provider', `pay-${i}`);
    });
  }
}

/** Background noise outside any trace, and a few rare lines that must not be lost. */
function background() {
  for (let i = 0; i < 2000; i++) logAt('trace', 'heartbeat %d from worker %d', i, i % 4);
  for (let i = 0; i < 1000; i++) logAt('debug', 'queue depth is %d', i % 17);
  for (let i = 0; i < 800; i++) logAt('info', 'metrics flushed: %d series', 100 + (i % 30));
  logAt('warn', 'certificate for %s expires in %d days', 'api.example.com', 6);
  logAt('info', 'feature flag %s turned on', 'new-checkout');
  logAt('fatal', 'disk %s is full, cannot write checkpoints', '/var/data');
}

async function main() {
  await llmWork();
  await traffic();
  background();

  // A clean shutdown flushes everything (including the pattern report); then the SDK's own
  // counters say what the export went through.
  await sprintlens.start().shutdown();
  const registry = new Registry();
  sprintlens.registerMetrics(registry);
  const metrics = await registry.getMetricsAsJSON();
  const total = (name, filter = () => true) =>
    (metrics.find((m) => m.name === name)?.values ?? [])
      .filter((v) => filter(v.labels))
      .reduce((n, v) => n + v.value, 0);
  const report = {
    written,
    retries: total('sprintlens_exporter_retries_total'),
    dropped: total('sprintlens_exporter_dropped_records_total'),
    delivered: total('sprintlens_exporter_delivered_records_total'),
    received: total('sprintlens_exporter_received_records_total'),
  };
  if (process.env.DEMO_REPORT) writeFileSync(process.env.DEMO_REPORT, JSON.stringify(report));
  else console.log(JSON.stringify(report));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
