/**
 * The bundled HTTP, fetch and framework instrumentations, in real processes under
 * `--require` and `--import sprintlens/register`, with nothing configured but
 * `SPRINTLENS_HTTP_IGNORE_PATHS=/healthz`: a plain node:http server, Express and Koa (current
 * majors from the root, older ones from the version matrix) each give one trace per request,
 * rooted at the SERVER span, with the framework spans and the outgoing `fetch` and
 * `http.request` CLIENT spans under it and `traceparent` on the wire. The ignored path, the
 * SDK's own metrics server and the exporter's own requests give no span, and
 * `OTEL_NODE_DISABLED_INSTRUMENTATIONS=http` takes the HTTP spans away, leaving the rest.
 * Everything is read back from a real OTLP receiver.
 */
import { mkdirSync, rmSync, symlinkSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EchoServer } from '../support/echo-server';
import type { EchoRequest } from '../support/echo-server';
import { OtlpReceiver } from '../support/otlp-receiver';
import type { ReceivedSpan } from '../support/otlp-receiver';
import { APPS_DIR, VERSIONS_DIR } from '../support/paths';
import { freePort } from '../support/ports';
import { runServerApp } from '../support/server-app';

type Framework = 'http' | 'express' | 'koa';
type ModuleKind = 'cjs' | 'esm';

const receiver = new OtlpReceiver();
const downstream = new EchoServer();

beforeAll(async () => {
  await Promise.all([receiver.start(), downstream.start()]);
});
afterAll(async () => {
  await Promise.all([receiver.close(), downstream.close()]);
});

/**
 * `test/fixtures/apps/.build/<folder>/` with both entries and, in its `node_modules`, links to
 * the packages of a `test/versions/` folder, so `require` and `import` (and with them the
 * module hooks) see those packages by their real names.
 */
function prepareApp(folder: string, links: Readonly<Record<string, string>>): string {
  const dir = join(APPS_DIR, '.build', folder);
  mkdirSync(dir, { recursive: true });
  for (const file of ['http-bundled.cjs', 'http-bundled.mjs']) {
    copyFileSync(join(APPS_DIR, file), join(dir, file));
  }
  for (const [name, versionFolder] of Object.entries(links)) {
    const link = join(dir, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    rmSync(link, { force: true, recursive: true });
    symlinkSync(join(VERSIONS_DIR, versionFolder, 'node_modules', name), link, 'dir');
  }
  return dir;
}

// @koa/router 15 serves Koa 2 and 3; it is installed once, in the koa-2 folder of the matrix.
const CURRENT = { folder: 'http-current', links: { '@koa/router': 'koa-2' } };
const EXPRESS_4 = { folder: 'http-express-4', links: { express: 'express-4' } };
const KOA_2 = { folder: 'http-koa-2', links: { koa: 'koa-2', '@koa/router': 'koa-2' } };

interface AppSpec {
  readonly framework: Framework;
  readonly kind: ModuleKind;
  readonly app: { readonly folder: string; readonly links: Readonly<Record<string, string>> };
  readonly env?: Record<string, string>;
}

/** What a run left: the app's spans, what the downstream received, the app's answers. */
interface AppRun {
  readonly spans: ReceivedSpan[];
  readonly downstream: EchoRequest[];
  readonly answers: Record<string, number>;
}

let runs = 0;

async function get(url: string): Promise<number> {
  const response = await fetch(url);
  await response.arrayBuffer();
  return response.status;
}

/**
 * Runs the app: two concurrent requests, the ignored health path (with and without a query),
 * a scrape of the metrics server's `/metrics` and `/healthz`; then, once a first export has
 * reached the receiver while the app runs (had it made a span, the next export would carry
 * it), a third request; then SIGTERM, on which the SDK flushes.
 */
async function runHttpApp(spec: AppSpec): Promise<AppRun> {
  const service = `http-bundled-${spec.framework}-${spec.kind}-${++runs}`;
  const dir = prepareApp(spec.app.folder, spec.app.links);
  const metricsPort = await freePort();
  const flag = spec.kind === 'cjs' ? '--require' : '--import';
  const entry = spec.kind === 'cjs' ? 'http-bundled.cjs' : 'http-bundled.mjs';
  const answers: Record<string, number> = {};
  const run = await runServerApp({
    args: [flag, 'sprintlens/register', entry],
    cwd: dir,
    env: {
      OTEL_SERVICE_NAME: service,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      SPRINTLENS_METRICS_PORT: String(metricsPort),
      SPRINTLENS_HTTP_IGNORE_PATHS: '/healthz',
      HTTP_FRAMEWORK: spec.framework,
      DOWNSTREAM_URL: `${downstream.url}/${service}`,
      ...spec.env,
    },
    use: async (url) => {
      const metrics = `http://127.0.0.1:${metricsPort}`;
      [answers['/users/1'], answers['/users/2']] = await Promise.all([
        get(`${url}/users/1`),
        get(`${url}/users/2`),
      ]);
      answers['/healthz'] = await get(`${url}/healthz`);
      answers['/healthz?probe=1'] = await get(`${url}/healthz?probe=1`);
      answers['metrics /metrics'] = await get(`${metrics}/metrics`);
      answers['metrics /healthz'] = await get(`${metrics}/healthz`);
      await receiver.waitFor(() => receiver.spansOf(service).length > 0);
      answers['/users/3'] = await get(`${url}/users/3`);
    },
  });
  if ('error' in run.outcome) {
    throw new Error(`${String(run.outcome.error)}\n${run.result.stderr.slice(0, 2000)}`);
  }
  expect(run.result.stderr).not.toMatch(/SL_[A-Z_]+/);
  return {
    spans: receiver.spansOf(service),
    downstream: downstream.requests.filter((r) => r.path.startsWith(`/${service}/`)),
    answers,
  };
}

const IDS = ['1', '2', '3'];
const HTTP_SCOPE = '@opentelemetry/instrumentation-http';
const UNDICI_SCOPE = '@opentelemetry/instrumentation-undici';
const FRAMEWORK_SCOPE: Record<Exclude<Framework, 'http'>, string> = {
  express: '@opentelemetry/instrumentation-express',
  koa: '@opentelemetry/instrumentation-koa',
};

/** Every answer was a success: the instrumentations changed nothing the app or client saw. */
function expectAnswered(run: AppRun): void {
  for (const [request, status] of Object.entries(run.answers)) {
    expect(status, request).toBe(200);
  }
}

/** The spans from `span` up to its trace's root, `span` first. */
function ancestry(spans: ReceivedSpan[], span: ReceivedSpan): ReceivedSpan[] {
  const chain = [span];
  let current = span;
  while (current.parentSpanId !== undefined) {
    const parent = spans.find((s) => s.spanId === current.parentSpanId);
    expect(parent, `parent of ${current.name}`).toBeDefined();
    chain.push(parent!);
    current = parent!;
  }
  return chain;
}

/** The one CLIENT span of `scope` that requested `path`. */
function clientSpan(spans: ReceivedSpan[], scope: string, path: string): ReceivedSpan {
  const found = spans.filter(
    (s) =>
      s.kind === 'SPAN_KIND_CLIENT' &&
      s.scope === scope &&
      String(s.attributes['url.full']).endsWith(path),
  );
  expect(found, `${scope} CLIENT spans for ${path}`).toHaveLength(1);
  return found[0]!;
}

/** The `traceparent` the downstream received on `path`. */
function traceparentAt(run: AppRun, path: string): string | undefined {
  const received = run.downstream.filter((r) => r.path.endsWith(path));
  expect(received, `requests to ${path}`).toHaveLength(1);
  const header = received[0]!.headers.traceparent;
  return typeof header === 'string' ? header : undefined;
}

/**
 * One trace per request, rooted at its SERVER span (named after the route, with `http.route`,
 * under a framework), the framework's spans and both CLIENT spans under it, `traceparent` on
 * the wire naming each CLIENT span; and no other span: none for the ignored path, the metrics
 * server or the exporter's own requests.
 */
function expectRequestTraces(run: AppRun, framework: Framework): void {
  expectAnswered(run);
  const servers = run.spans.filter((s) => s.kind === 'SPAN_KIND_SERVER');
  // Three requests to /users/:id: /healthz (ignored by path) and the metrics server (ignored
  // as the SDK's own) have none.
  expect(servers.map((s) => s.attributes['url.path']).sort()).toEqual(
    IDS.map((id) => `/users/${id}`),
  );
  const traces = new Set<string>();
  for (const id of IDS) {
    const server = servers.find((s) => s.attributes['url.path'] === `/users/${id}`)!;
    expect(server.scope).toBe(HTTP_SCOPE);
    expect(server.parentSpanId).toBeUndefined();
    traces.add(server.traceId);
    if (framework === 'http') {
      expect(server.name).toBe('GET');
      expect(server.attributes).not.toHaveProperty('http.route');
    } else {
      expect(server.name).toBe('GET /users/:id');
      expect(server.attributes['http.route']).toBe('/users/:id');
    }
    const trace = run.spans.filter((s) => s.traceId === server.traceId);
    // Every span of the trace descends from the SERVER span.
    for (const span of trace) expect(ancestry(trace, span).at(-1)).toBe(server);
    if (framework !== 'http') {
      const frameworkSpans = trace.filter((s) => s.scope === FRAMEWORK_SCOPE[framework]);
      expect(frameworkSpans.length, `${framework} spans`).toBeGreaterThan(0);
      // The route's own span: Express's request handler, @koa/router's layer.
      const routed = frameworkSpans.filter((s) => s.attributes['http.route'] === '/users/:id');
      expect(routed.length, `${framework} spans of the route`).toBeGreaterThan(0);
    }
    for (const [scope, path] of [
      [UNDICI_SCOPE, `/fetch/${id}`],
      [HTTP_SCOPE, `/http/${id}`],
    ] as const) {
      const client = clientSpan(trace, scope, path);
      expect(client.name).toBe('GET');
      expect(client.attributes['http.response.status_code']).toBe(200);
      // Under the handler: a framework span (or, on plain node:http, the SERVER span itself).
      const parent = trace.find((s) => s.spanId === client.parentSpanId)!;
      expect(parent.scope).toBe(framework === 'http' ? HTTP_SCOPE : FRAMEWORK_SCOPE[framework]);
      expect(traceparentAt(run, path)).toBe(`00-${server.traceId}-${client.spanId}-01`);
    }
  }
  expect(traces.size).toBe(IDS.length);
  // Nothing else: the only CLIENT spans are the handlers' six, none towards the receiver.
  const clients = run.spans.filter((s) => s.kind === 'SPAN_KIND_CLIENT');
  expect(clients).toHaveLength(IDS.length * 2);
  for (const span of run.spans) {
    expect(JSON.stringify(span.attributes)).not.toContain(receiver.url);
    expect(span.attributes['url.path']).not.toBe('/healthz');
    expect(span.attributes['url.path']).not.toBe('/metrics');
  }
}

describe.each(['cjs', 'esm'] as const)('bundled HTTP instrumentations (%s)', (kind) => {
  it.each(['http', 'express', 'koa'] as const)(
    '%s: one trace per request, SERVER span at the root, route, framework and CLIENT spans',
    async (framework) => {
      const run = await runHttpApp({ framework, kind, app: CURRENT });
      expectRequestTraces(run, framework);
    },
  );

  it('Express 4 (test/versions/express-4)', async () => {
    const run = await runHttpApp({ framework: 'express', kind, app: EXPRESS_4 });
    expectRequestTraces(run, 'express');
  });

  it('Koa 2 with @koa/router (test/versions/koa-2)', async () => {
    const run = await runHttpApp({ framework: 'koa', kind, app: KOA_2 });
    expectRequestTraces(run, 'koa');
  });
});

describe('OTEL_NODE_DISABLED_INSTRUMENTATIONS=http', () => {
  it.each(['cjs', 'esm'] as const)(
    '%s: no node:http span, so no framework span either; fetch is still traced and propagated',
    async (kind) => {
      const run = await runHttpApp({
        framework: 'express',
        kind,
        app: CURRENT,
        env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http' },
      });
      expectAnswered(run);
      expect(run.spans.filter((s) => s.scope === HTTP_SCOPE)).toEqual([]);
      expect(run.spans.filter((s) => s.kind === 'SPAN_KIND_SERVER')).toEqual([]);
      // Express's instrumentation only works under a request's span.
      expect(run.spans.filter((s) => s.scope === FRAMEWORK_SCOPE.express)).toEqual([]);
      const fetches = run.spans.filter((s) => s.scope === UNDICI_SCOPE);
      expect(fetches).toHaveLength(IDS.length);
      for (const id of IDS) {
        const client = clientSpan(fetches, UNDICI_SCOPE, `/fetch/${id}`);
        expect(client.parentSpanId).toBeUndefined();
        expect(traceparentAt(run, `/fetch/${id}`)).toBe(`00-${client.traceId}-${client.spanId}-01`);
        expect(traceparentAt(run, `/http/${id}`)).toBeUndefined();
      }
    },
  );
});
