// Child process of http-client-tracing.test.ts. sprintlens is started with its bundled
// instrumentations (node:http and fetch among them) and in-memory trace and metric exporters;
// logs are exported over OTLP to this process's own server (CHILD_PORT, path /otlp/...).
// Inside an active span the SDK's own requests are made (its HTTP client's GET and POST, an
// export through the transport, and the OTLP log export of a flush), then the app's own
// `http.get` and `fetch`. The server's /sdk/* and /otlp/* paths are ignored with
// httpIgnorePaths, so only the client side tells whether a request was instrumented. Prints
// the requests the server saw, the client and server spans, and how many requests the HTTP
// client duration metrics counted, as one JSON line.
/* global fetch */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { trace, SpanKind } = require('@opentelemetry/api');
const { InMemorySpanExporter } = require('@opentelemetry/sdk-trace');
const { AggregationTemporality, InMemoryMetricExporter } = require('@opentelemetry/sdk-metrics');
const { start } = require('../../dist/src/index.js');

const port = Number(process.env.CHILD_PORT);
const base = `http://127.0.0.1:${port}`;
const spans = new InMemorySpanExporter();
const metrics = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const handle = start({
  traceExporter: spans,
  metricExporter: metrics,
  otlpEndpoint: `${base}/otlp`,
  httpIgnorePaths: ['/sdk/*', '/otlp/*'],
  compression: 'none',
});

// Loaded after start(), as `--require sprintlens/register` apps load them.
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
await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));

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

  // start()'s own OTLP export of a log record, from here.
  console.error('a log line for the log exporter');
  await handle.forceFlush();

  // The app's own requests: traced.
  await new Promise((resolve, reject) => {
    http.get(`${base}/plain`, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
  await (await fetch(`${base}/plain-fetch`)).text();
  span.end();
});
// Twice: a span the first flush's own requests made would be exported by the second.
await handle.forceFlush();
await handle.forceFlush();
server.close();

/** Requests counted by `scope`'s `http.client.request.duration`, in the last collection. */
function clientRequestsCounted(scope) {
  const last = metrics.getMetrics().at(-1);
  let count = 0;
  for (const scopeMetrics of last?.scopeMetrics ?? []) {
    if (scopeMetrics.scope.name !== scope) continue;
    for (const metric of scopeMetrics.metrics) {
      if (metric.descriptor.name !== 'http.client.request.duration') continue;
      for (const point of metric.dataPoints) count += point.value.count;
    }
  }
  return count;
}

const finished = spans.getFinishedSpans();
const describe = (s) => ({
  name: s.name,
  scope: s.instrumentationScope.name,
  url: s.attributes['url.full'] ?? s.attributes['url.path'],
});
process.stdout.write(
  JSON.stringify({
    seen,
    client: finished.filter((s) => s.kind === SpanKind.CLIENT).map(describe),
    server: finished.filter((s) => s.kind === SpanKind.SERVER).map(describe),
    counted: {
      http: clientRequestsCounted('@opentelemetry/instrumentation-http'),
      undici: clientRequestsCounted('@opentelemetry/instrumentation-undici'),
    },
  }) + '\n',
);
await handle.shutdown();
