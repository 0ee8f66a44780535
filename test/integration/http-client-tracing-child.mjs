// Child process of http-client-tracing.test.ts: the real HTTP instrumentation is active, and the
// SDK's own requests (its HTTP client's GET and POST, and an export through the transport)
// are made inside an active span, then one plain http.request of the app. Prints the requests
// the server saw and the client spans that were produced, as one JSON line.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { context, trace, SpanKind } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} = require('@opentelemetry/sdk-trace');

const spans = new InMemorySpanExporter();
const provider = new TracerProvider({
  spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
});
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(provider);
// Only client spans matter here: the test server's own requests are not traced.
registerInstrumentations({
  instrumentations: [new HttpInstrumentation({ ignoreIncomingRequestHook: () => true })],
});

// Loaded after the instrumentation, as `--require sprintlens/register` apps load them.
const http = require('node:http');
const { HttpClient } = require('../../dist/src/base/http-client.js');
const { Transport } = require('../../dist/exporters/transport/transport.js');

/** Strings as records (the transport's codec seam): one record each. */
const codec = {
  signal: 'logs',
  mergeable: true,
  resource: () => ({}),
  records: () => 1,
  estimateBytes: (item) => item.length,
  encode: (items) => Buffer.from(items.join('\n')),
  rejected: () => 0,
};

const seen = [];
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const tracer = trace.getTracer('app');
await tracer.startActiveSpan('app work', async (span) => {
  const get = new HttpClient(`${base}/sdk/get`);
  const post = new HttpClient(`${base}/sdk/post`);
  const results = [
    await get.get({ timeoutMillis: 5000 }),
    await post.post('{"a":1}', { timeoutMillis: 5000, headers: { 'content-type': 'x' } }),
  ];
  get.close();
  post.close();
  for (const result of results) if (result.status !== 200) throw new Error(JSON.stringify(result));

  // An export as start()'s processors make it: enqueued, and sent, in the app's context.
  const transport = new Transport({
    codec,
    target: {
      url: `${base}/sdk/export`,
      headers: {},
      protocol: 'http/protobuf',
      compression: 'none',
    },
  });
  transport.enqueueOne('one record');
  await transport.flush();
  if (transport.stats().delivered !== 1) throw new Error(JSON.stringify(transport.stats()));
  await transport.shutdown();

  // The app's own request: traced.
  await new Promise((resolve, reject) => {
    http.get(`${base}/plain`, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
  span.end();
});
server.close();

const client = spans
  .getFinishedSpans()
  .filter((s) => s.kind === SpanKind.CLIENT)
  .map((s) => ({ name: s.name, attributes: s.attributes }));
process.stdout.write(JSON.stringify({ seen, client }) + '\n');
