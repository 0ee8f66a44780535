/**
 * The Fastify instrumentation in real processes: Fastify 5 (the repository's) and Fastify 4
 * (the version matrix's), each under `--require` and `--import sprintlens/register`, serving
 * the fixture app (test/fixtures/apps/fastify-lib.cjs) to concurrent requests from the test.
 * The HTTP instrumentation makes the SERVER span; ours names it after the route and adds the
 * handler span; what a handler does nests under it, its pino lines carry its trace, and the
 * session an `onRequest` hook sets with `withAttributes` reaches its spans and lines, GET and
 * POST alike, and no other request's. Everything is read back from a real OTLP receiver.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpReceiver } from '../support/otlp-receiver';
import type { ReceivedLog, ReceivedSpan } from '../support/otlp-receiver';
import { runServerApp } from '../support/server-app';
import { linkPackageIntoApps } from '../support/spawn-app';
import { linkOlderVersion } from './logs-harness';

const receiver = new OtlpReceiver();

beforeAll(async () => {
  linkPackageIntoApps();
  linkOlderVersion('fastify-4', 'fastify', 'fastify-4');
  await receiver.start();
});
afterAll(() => receiver.close());

/** A request the test sends, and what its trace must hold. */
interface Call {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly route: string;
  /** The `x-session` header (and so `session.id`), unique per request. */
  readonly session?: string;
  readonly status: number;
  /** The handler does the fixture's work: a `work <tag>` span and two pino lines. */
  readonly works: boolean;
  /** Answered by the app's onRequest hook instead (`x-deny`): no handler span. */
  readonly denied?: boolean;
}

/** A request to the `/chat/:tag` route, with a session of its own. */
function chat(method: Call['method'], tag: string): Call {
  return {
    method,
    path: `/chat/${tag}`,
    route: '/chat/:tag',
    session: tag,
    status: 200,
    works: true,
  };
}

const CALLS: readonly Call[] = [
  ...['g1', 'g2', 'g3', 'g4'].map((tag) => chat('GET', tag)),
  ...['p1', 'p2', 'p3', 'p4'].map((tag) => chat('POST', tag)),
  {
    method: 'GET',
    path: '/callback/c1',
    route: '/callback/:tag',
    session: 'c1',
    status: 200,
    works: true,
  },
  {
    method: 'GET',
    path: '/pooled/q1',
    route: '/pooled/:tag',
    session: 'q1',
    status: 200,
    works: true,
  },
  {
    method: 'GET',
    path: '/fails/f1',
    route: '/fails/:tag',
    session: 'f1',
    status: 500,
    works: false,
  },
  {
    method: 'GET',
    path: '/chat/denied',
    route: '/chat/:tag',
    status: 401,
    works: false,
    denied: true,
  },
  { method: 'GET', path: '/api/items/42', route: '/api/items/:id', status: 200, works: false },
];

/** Sends every call at once; returns each one's status and body. */
async function sendAll(url: string): Promise<{ status: number; body: unknown }[]> {
  return Promise.all(
    CALLS.map(async (call) => {
      const headers: Record<string, string> = {};
      if (call.session !== undefined) headers['x-session'] = call.session;
      if (call.denied === true) headers['x-deny'] = '1';
      let body: string | undefined;
      if (call.method === 'POST') {
        headers['content-type'] = 'application/json';
        body = JSON.stringify({ question: `from ${call.session}` });
      }
      const response = await fetch(url + call.path, { method: call.method, headers, body });
      return { status: response.status, body: await response.json() };
    }),
  );
}

/** Spans each call leaves: SERVER and handler, plus `work <tag>` when the handler works. */
const EXPECTED_SPANS = CALLS.reduce((n, call) => n + (call.denied ? 1 : call.works ? 3 : 2), 0);
/** The calls whose handler runs. */
const HANDLED = CALLS.filter((call) => call.denied !== true);
/** Two pino lines per working handler. */
const EXPECTED_LOGS = CALLS.filter((call) => call.works).length * 2;

/** Whether every span and record of the app's requests reached the receiver. */
function arrived(service: string): boolean {
  return (
    receiver.spansOf(service).length >= EXPECTED_SPANS &&
    receiver.logsOf(service).length >= EXPECTED_LOGS
  );
}

const RUNS = [
  { major: 5, flag: '--require', entry: 'fastify-5/app.cjs' },
  { major: 5, flag: '--import', entry: 'fastify-5/app.mjs' },
  { major: 4, flag: '--require', entry: 'fastify-4/app.cjs' },
  { major: 4, flag: '--import', entry: 'fastify-4/app.mjs' },
] as const;

describe.each(RUNS)('Fastify $major under $flag', ({ major, flag, entry }) => {
  const service = `fastify-${major}-${flag.slice(2)}`;
  let spans: ReceivedSpan[] = [];
  let logs: ReceivedLog[] = [];
  let answers: { status: number; body: unknown }[] = [];

  beforeAll(async () => {
    const { result, outcome } = await runServerApp({
      args: [flag, 'sprintlens/register', entry],
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: service,
        SPRINTLENS_LOG_SAMPLING: 'off',
      },
      // SIGTERM only once everything arrived: a span still ending as the response closes
      // would otherwise race the shutdown (and be dropped, with a warning on stderr).
      use: async (url) => {
        const sent = await sendAll(url);
        await receiver.waitFor(() => arrived(service));
        return sent;
      },
    });
    if ('error' in outcome) {
      throw new Error(`the app failed: ${String(outcome.error)}\n${result.stderr}`);
    }
    answers = outcome.value;
    expect(result.stderr).toBe('');
    spans = receiver.spansOf(service);
    logs = receiver.logsOf(service);
  });

  /** The call's SERVER span. */
  function serverOf(call: Call): ReceivedSpan {
    const servers = spans.filter(
      (s) =>
        s.kind === 'SPAN_KIND_SERVER' &&
        s.attributes['url.path'] === call.path &&
        s.attributes['http.request.method'] === call.method,
    );
    expect(servers, call.path).toHaveLength(1);
    return servers[0]!;
  }

  /** The call's SERVER span and its handler span. */
  function traceOf(call: Call): { server: ReceivedSpan; handler: ReceivedSpan } {
    const server = serverOf(call);
    const handlers = spans.filter(
      (s) => s.traceId === server.traceId && s.name === `request handler - ${call.route}`,
    );
    expect(handlers, call.path).toHaveLength(1);
    return { server, handler: handlers[0]! };
  }

  it('answers every request as without sprintlens', () => {
    expect(answers.map((a) => a.status)).toEqual(CALLS.map((c) => c.status));
    const post = answers[CALLS.findIndex((c) => c.method === 'POST')];
    expect(post?.body).toEqual({ tag: 'p1', body: { question: 'from p1' } });
    expect(answers.at(-1)?.body).toEqual({ id: '42' });
  });

  it('one trace per request, rooted at the SERVER span named after the route', () => {
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(CALLS.length);
    expect(spans).toHaveLength(EXPECTED_SPANS);
    for (const call of CALLS) {
      const server = serverOf(call);
      expect(server.parentSpanId, call.path).toBeUndefined();
      expect(server.name).toBe(`${call.method} ${call.route}`);
      expect(server.attributes['http.route']).toBe(call.route);
      expect(server.attributes['http.response.status_code']).toBe(call.status);
    }
  });

  it('the handler span is the SERVER span child; the work inside it, its child', () => {
    const denied = serverOf(CALLS.find((c) => c.denied === true)!);
    expect(spans.filter((s) => s.traceId === denied.traceId)).toEqual([denied]);
    for (const call of HANDLED) {
      const { server, handler } = traceOf(call);
      expect(handler.parentSpanId, call.path).toBe(server.spanId);
      expect(handler.kind).toBe('SPAN_KIND_INTERNAL');
      expect(handler.scope).toBe('@sprintlens/instrumentation-fastify');
      expect(handler.attributes).toMatchObject({
        'http.route': call.route,
        'fastify.type': 'request_handler',
      });
      if (!call.works) continue;
      const tag = call.path.split('/').at(-1)!;
      const work = spans.filter((s) => s.name === `work ${tag}`);
      expect(work, call.path).toHaveLength(1);
      expect(work[0]?.traceId).toBe(server.traceId);
      expect(work[0]?.parentSpanId).toBe(handler.spanId);
    }
  });

  it('pino lines in the handler carry its trace and span', () => {
    for (const call of CALLS.filter((c) => c.works)) {
      const { server, handler } = traceOf(call);
      const tag = call.path.split('/').at(-1)!;
      const work = spans.find((s) => s.name === `work ${tag}`)!;
      const handling = logs.filter((l) => l.body === `handling ${tag}`);
      const inside = logs.filter((l) => l.body === `inside the work of ${tag}`);
      expect(handling, call.path).toHaveLength(1);
      expect(inside, call.path).toHaveLength(1);
      expect(handling[0]).toMatchObject({ traceId: server.traceId, spanId: handler.spanId });
      expect(inside[0]).toMatchObject({ traceId: server.traceId, spanId: work.spanId });
    }
  });

  it('a failing handler: status ERROR on the handler span and on the SERVER span', () => {
    const { server, handler } = traceOf(CALLS.find((c) => c.status === 500)!);
    expect(handler.status).toEqual({ code: 'STATUS_CODE_ERROR', message: 'the handler failed' });
    expect(server.status.code).toBe('STATUS_CODE_ERROR');
    const ok = traceOf(CALLS[0]!).handler;
    expect(ok.status.code ?? 'STATUS_CODE_UNSET').toBe('STATUS_CODE_UNSET');
  });

  it('onRequest withAttributes reaches the handler spans and lines, GET and POST, no other request', () => {
    for (const call of HANDLED.filter((c) => c.session !== undefined)) {
      const { server, handler } = traceOf(call);
      const session = { 'session.id': call.session, 'user.id': `user-${call.session}` };
      expect(handler.attributes, call.path).toMatchObject(session);
      for (const span of spans.filter((s) => s.traceId === server.traceId && s !== server)) {
        expect(span.attributes, `${span.name} of ${call.path}`).toMatchObject(session);
      }
      for (const log of logs.filter((l) => l.traceId === server.traceId)) {
        expect(log.attributes, `${String(log.body)} of ${call.path}`).toMatchObject(session);
      }
    }
    // Nothing of a session outside its own trace.
    const sessionOfTrace = new Map<string, string | undefined>();
    for (const call of CALLS) sessionOfTrace.set(serverOf(call).traceId, call.session);
    for (const item of [...spans, ...logs]) {
      const session = item.attributes['session.id'];
      if (session !== undefined) expect(session).toBe(sessionOfTrace.get(item.traceId ?? ''));
    }
    const plain = traceOf(CALLS.at(-1)!).handler;
    expect(plain.attributes['session.id']).toBeUndefined();
  });
});

describe('OTEL_NODE_DISABLED_INSTRUMENTATIONS=fastify', () => {
  it('leaves the server spans unnamed and adds no handler span; the app answers the same', async () => {
    const service = 'fastify-disabled';
    const expected = CALLS.reduce((n, call) => n + (call.works ? 2 : 1), 0);
    const { result, outcome } = await runServerApp({
      args: ['--require', 'sprintlens/register', 'fastify-5/app.cjs'],
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: service,
        OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'fastify',
        SPRINTLENS_LOG_SAMPLING: 'off',
      },
      use: async (url) => {
        const sent = await sendAll(url);
        await receiver.waitFor(() => receiver.spansOf(service).length >= expected);
        return sent;
      },
    });
    expect(result.stderr).toBe('');
    if ('error' in outcome) throw outcome.error;
    expect(outcome.value.map((a) => a.status)).toEqual(CALLS.map((c) => c.status));
    const spans = receiver.spansOf(service);
    expect(spans).toHaveLength(expected);
    expect(spans.filter((s) => s.scope === '@sprintlens/instrumentation-fastify')).toEqual([]);
    const servers = spans.filter((s) => s.kind === 'SPAN_KIND_SERVER');
    expect(servers.map((s) => s.name).sort()).toEqual(CALLS.map((c) => c.method).sort());
    expect(servers.every((s) => s.attributes['http.route'] === undefined)).toBe(true);
  });
});
