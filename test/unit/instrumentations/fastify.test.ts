/**
 * The Fastify instrumentation in process, against the real Fastify 5 through `inject()` (no
 * server, no socket): the handler span on every way a handler can finish, routes of plugins
 * registered later, the attributes of an `onRequest` hook, and our own failures kept from the
 * app. The server span and the HTTP path (Fastify 4 and 5, `--require` and `--import`) are
 * checked in real processes by test/integration/fastify.test.ts.
 */
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider as SdkTracerProvider,
} from '@opentelemetry/sdk-trace';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { AsyncResource } from 'node:async_hooks';
import fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FastifyInstrumentation } from '../../../instrumentations/fastify';
import type { FastifyRequestInfo } from '../../../instrumentations/fastify';
import {
  handlerAttributes,
  handlerContext,
  handlerSpanName,
  matchedRoute,
  routeOfOptions,
  withCapturedAttributes,
} from '../../../instrumentations/fastify/utils';
import { contextAttributes, withContextAttributes } from '../../../src/base/context-attributes';
import { captureDiag, explodingTracerProvider } from '../../support/llm-instrumentation';

describe('naming and attributes', () => {
  it('names the handler span after the route, as Express handler spans are', () => {
    expect(handlerSpanName('/users/:id')).toBe('request handler - /users/:id');
  });

  it('handler attributes: the route, the type, and the function name when it has one', () => {
    expect(handlerAttributes('/a', 'listUsers')).toEqual({
      'http.route': '/a',
      'fastify.type': 'request_handler',
      'fastify.name': 'listUsers',
    });
    expect(handlerAttributes('/a', 'bound listUsers')['fastify.name']).toBe('listUsers');
    for (const nameless of ['', 'anonymous']) {
      expect(handlerAttributes('/a', nameless)).not.toHaveProperty('fastify.name');
    }
  });

  it('the route of route options and of a request; none for not-found or a missing url', () => {
    expect(routeOfOptions({ url: '/api/items/:id' })).toBe('/api/items/:id');
    expect(routeOfOptions({ url: '' })).toBeUndefined();
    expect(routeOfOptions({})).toBeUndefined();
    expect(matchedRoute({ method: 'GET', routeOptions: { url: '/x/:y' } })).toBe('/x/:y');
    expect(matchedRoute({ method: 'GET', is404: true, routeOptions: { url: '*' } })).toBe(
      undefined,
    );
    expect(matchedRoute({ method: 'GET', routeOptions: {} })).toBeUndefined();
    expect(matchedRoute({ method: 'GET' })).toBeUndefined();
  });
});

describe('attributes captured from onRequest, put back beneath the active ones', () => {
  const captured = contextAttributes(withContextAttributes(ROOT_CONTEXT, { a: 1, b: 'x' }))!;

  it('into a context without attributes', () => {
    expect(contextAttributes(withCapturedAttributes(ROOT_CONTEXT, captured))).toEqual({
      a: 1,
      b: 'x',
    });
  });

  it('beneath the context own: a key set in both keeps the active value', () => {
    const active = withContextAttributes(ROOT_CONTEXT, { b: 'y', c: true });
    expect(contextAttributes(withCapturedAttributes(active, captured))).toEqual({
      a: 1,
      b: 'y',
      c: true,
    });
  });

  it('the very context they were captured in is kept as it is', () => {
    const active = withContextAttributes(ROOT_CONTEXT, { a: 1, b: 'x' });
    const same = contextAttributes(active)!;
    expect(withCapturedAttributes(active, same)).toBe(active);
  });
});

describe('the context a handler runs in', () => {
  const provider = new SdkTracerProvider();
  const tracer = provider.getTracer('test');
  const serverSpan = tracer.startSpan('server');
  const requestContext = withContextAttributes(trace.setSpan(ROOT_CONTEXT, serverSpan), {
    'session.id': 's1',
  });

  it('resumed where the hooks left it: that context', () => {
    expect(handlerContext(requestContext, requestContext)).toBe(requestContext);
  });

  it("resumed with no span (context lost): the request's", () => {
    const lost = withContextAttributes(ROOT_CONTEXT, { 'pool.attribute': 1 });
    expect(handlerContext(lost, requestContext)).toBe(requestContext);
  });

  it("resumed in another trace (another request's): the request's, nothing of the other", () => {
    const other = withContextAttributes(trace.setSpan(ROOT_CONTEXT, tracer.startSpan('other')), {
      'session.id': 's2',
    });
    expect(handlerContext(other, requestContext)).toBe(requestContext);
  });

  it('within the request (a span of a later hook): that context, the captured attributes beneath', () => {
    const hookSpan = tracer.startSpan('hook', {}, requestContext);
    const later = withContextAttributes(trace.setSpan(requestContext, hookSpan), {
      'user.id': 'u1',
    });
    const resumed = handlerContext(later, requestContext);
    expect(trace.getSpan(resumed)).toBe(hookSpan);
    expect(contextAttributes(resumed)).toEqual({ 'session.id': 's1', 'user.id': 'u1' });
  });

  it('no HTTP server span at all: the active context, the captured attributes beneath', () => {
    const captured = withContextAttributes(ROOT_CONTEXT, { 'session.id': 's1', 'user.id': 'a' });
    const active = withContextAttributes(ROOT_CONTEXT, { 'user.id': 'b' });
    expect(contextAttributes(handlerContext(active, captured))).toEqual({
      'session.id': 's1',
      'user.id': 'b',
    });
  });
});

describe('handler spans, real Fastify 5 through inject()', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new SdkTracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('test');
  const diagLines: string[] = [];
  let instrumentation: FastifyInstrumentation;
  const apps: FastifyInstance[] = [];

  /**
   * A new app, instrumented (it is created while the instrumentation is enabled). inject() has
   * no HTTP server span, so unless `serverSpans` is false a first onRequest hook stands for
   * one: a SERVER span per request, `done()` called in its context, ended on the response.
   */
  function app({ serverSpans = true } = {}): FastifyInstance {
    const created = fastify({ logger: false });
    apps.push(created);
    if (serverSpans) {
      created.addHook('onRequest', (request, _reply, done) => {
        const span = tracer.startSpan(`server ${request.url}`, { kind: SpanKind.SERVER });
        serverSpanOf.set(request, span);
        context.with(trace.setSpan(context.active(), span), () => done());
      });
      created.addHook('onResponse', (request, _reply, done) => {
        serverSpanOf.get(request)?.end();
        done();
      });
    }
    return created;
  }
  const serverSpanOf = new WeakMap<FastifyRequest, Span>();

  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  const handlerSpans = (): ReadableSpan[] =>
    spans().filter((s) => s.attributes['fastify.type'] === 'request_handler');
  /** Waits until `count` handler spans have ended (a callback-style one ends with the response). */
  async function handlerSpansEnded(count: number): Promise<ReadableSpan[]> {
    for (let i = 0; i < 100 && handlerSpans().length < count; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return handlerSpans();
  }

  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    instrumentation = new FastifyInstrumentation();
    instrumentation.setTracerProvider(provider);
  });
  afterAll(() => {
    instrumentation.disable();
    context.disable();
  });
  beforeEach(() => {
    exporter.reset();
    captureDiag(diagLines);
  });
  afterEach(async () => {
    instrumentation.setConfig({});
    instrumentation.setTracerProvider(provider);
    instrumentation.enable();
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  it('a sync handler returning a value: one INTERNAL span, named and attributed', async () => {
    const server = app();
    server.get('/users/:id', function getUser(request: FastifyRequest<{ Params: { id: string } }>) {
      return { id: request.params.id };
    });
    const response = await server.inject({ method: 'GET', url: '/users/7' });
    expect(response.json()).toEqual({ id: '7' });
    const [span, ...others] = await handlerSpansEnded(1);
    expect(others).toEqual([]);
    expect(span?.name).toBe('request handler - /users/:id');
    expect(span?.kind).toBe(SpanKind.INTERNAL);
    expect(span?.attributes).toEqual({
      'http.route': '/users/:id',
      'fastify.type': 'request_handler',
      'fastify.name': 'getUser',
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    const serverSpan = spans().find((s) => s.kind === SpanKind.SERVER);
    expect(span?.parentSpanContext?.spanId).toBe(serverSpan?.spanContext().spanId);
  });

  it('an async handler: its span is active across awaits and ends after its children', async () => {
    const server = app();
    let lastActive: { spanId?: string; recording?: boolean } = {};
    server.get('/work', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const child = tracer.startSpan('inside');
      await new Promise((resolve) => setTimeout(resolve, 5));
      child.end();
      const active = trace.getActiveSpan();
      lastActive = { spanId: active?.spanContext().spanId, recording: active?.isRecording() };
      return { ok: true };
    });
    await server.inject({ method: 'GET', url: '/work' });
    const [handler] = await handlerSpansEnded(1);
    const inside = spans().find((s) => s.name === 'inside');
    expect(inside?.parentSpanContext?.spanId).toBe(handler?.spanContext().spanId);
    expect(inside?.spanContext().traceId).toBe(handler?.spanContext().traceId);
    // Still the active span, and not ended, when the handler returns.
    expect(lastActive).toEqual({ spanId: handler?.spanContext().spanId, recording: true });
  });

  it('callback style: the span lasts until reply.send, not until the handler returns', async () => {
    const server = app();
    server.get('/later', (_request, reply) => {
      setTimeout(() => {
        tracer.startSpan('in the callback').end();
        void reply.send('late');
      }, 30);
    });
    const response = await server.inject({ method: 'GET', url: '/later' });
    expect(response.body).toBe('late');
    const [handler] = await handlerSpansEnded(1);
    expect(hrMillis(handler!.duration)).toBeGreaterThanOrEqual(25);
    const inCallback = spans().find((s) => s.name === 'in the callback');
    expect(inCallback?.parentSpanContext?.spanId).toBe(handler?.spanContext().spanId);
  });

  it('an async handler that returns the reply and sends later ends with the response', async () => {
    const server = app();
    server.get('/returns-reply', async (_request, reply) => {
      setTimeout(() => void reply.send('sent later'), 30);
      return reply;
    });
    const response = await server.inject({ method: 'GET', url: '/returns-reply' });
    expect(response.body).toBe('sent later');
    const [handler] = await handlerSpansEnded(1);
    expect(hrMillis(handler!.duration)).toBeGreaterThanOrEqual(25);
  });

  it.each([
    {
      how: 'throws',
      handler: () => {
        throw new Error('sync boom');
      },
      message: 'sync boom',
    },
    {
      how: 'rejects',
      handler: async () => {
        await Promise.resolve();
        throw new TypeError('async boom');
      },
      message: 'async boom',
    },
    {
      how: 'sends an error from a callback',
      handler: (_request: FastifyRequest, reply: FastifyReply) => {
        setTimeout(() => void reply.send(new RangeError('callback boom')), 5);
      },
      message: 'callback boom',
    },
  ])('a handler that $how: status ERROR and one exception event', async ({ handler, message }) => {
    const server = app();
    server.get('/fails', handler);
    const response = await server.inject({ method: 'GET', url: '/fails' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ message });
    const [span] = await handlerSpansEnded(1);
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message });
    const events = span?.events.filter((e) => e.name === 'exception') ?? [];
    expect(events).toHaveLength(1);
    expect(events[0]?.attributes?.['exception.message']).toBe(message);
  });

  it('a 5xx reply without an error: status ERROR, no exception event', async () => {
    const server = app();
    server.get('/unavailable', (_request, reply) => {
      void reply.code(503).send('try later');
    });
    server.get('/missing', (_request, reply) => {
      void reply.code(404).send('no such thing');
    });
    expect((await server.inject({ method: 'GET', url: '/unavailable' })).statusCode).toBe(503);
    expect((await server.inject({ method: 'GET', url: '/missing' })).statusCode).toBe(404);
    const ended = await handlerSpansEnded(2);
    const byRoute = (route: string) => ended.find((s) => s.attributes['http.route'] === route);
    expect(byRoute('/unavailable')?.status.code).toBe(SpanStatusCode.ERROR);
    expect(byRoute('/unavailable')?.events).toEqual([]);
    expect(byRoute('/missing')?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('routes of encapsulated plugins registered later, with their prefix; HEAD wrapped once', async () => {
    const server = app();
    await server.register(
      async (api) => {
        await api.register(
          async (v1) => {
            v1.get('/items/:id', async (request: FastifyRequest<{ Params: { id: string } }>) => ({
              item: request.params.id,
            }));
          },
          { prefix: '/v1' },
        );
      },
      { prefix: '/api' },
    );
    expect((await server.inject({ method: 'GET', url: '/api/v1/items/3' })).json()).toEqual({
      item: '3',
    });
    expect((await server.inject({ method: 'HEAD', url: '/api/v1/items/3' })).statusCode).toBe(200);
    const ended = await handlerSpansEnded(2);
    expect(ended.map((s) => s.name)).toEqual([
      'request handler - /api/v1/items/:id',
      'request handler - /api/v1/items/:id',
    ]);
    // One span per request: the HEAD route's copy of the handler was not wrapped again.
    expect(ended).toHaveLength(2);
  });

  it('not-found requests get no handler span', async () => {
    const server = app();
    server.get('/here', () => 'here');
    expect((await server.inject({ method: 'GET', url: '/nowhere' })).statusCode).toBe(404);
    expect(spans().map((s) => s.name)).toEqual(['server /nowhere']);
  });

  it('outside a request span (HTTP instrumentation off): no handler span, attributes kept', async () => {
    const server = app({ serverSpans: false });
    const pool = new AsyncResource('pool');
    server.addHook('onRequest', (_request, _reply, done) => {
      context.with(withContextAttributes(context.active(), { 'session.id': 's' }), () => done());
    });
    server.addHook('preHandler', (_request, _reply, done) =>
      setImmediate(() => pool.runInAsyncScope(done)),
    );
    let seen: unknown;
    server.get('/plain', () => {
      seen = { span: trace.getActiveSpan(), attributes: contextAttributes(context.active()) };
      return 'plain';
    });
    expect((await server.inject({ method: 'GET', url: '/plain' })).body).toBe('plain');
    expect(seen).toEqual({ span: undefined, attributes: { 'session.id': 's' } });
    expect(spans()).toEqual([]);
  });

  it('a returned thenable that is not a promise is left to Fastify: `then` is called once', async () => {
    const server = app();
    let thenCalls = 0;
    server.get('/query', () => ({
      // A query builder's shape: each `then` runs the query again.
      then(resolve: (value: unknown) => void) {
        thenCalls++;
        setTimeout(() => resolve({ rows: 1 }), 5);
      },
    }));
    expect((await server.inject({ method: 'GET', url: '/query' })).json()).toEqual({ rows: 1 });
    const [span] = await handlerSpansEnded(1);
    expect(thenCalls).toBe(1);
    expect(span?.name).toBe('request handler - /query');
  });

  describe('attributes set around done() in an onRequest hook reach the handler', () => {
    function withAttributes<T>(attributes: Attributes, fn: () => T): T {
      return context.with(withContextAttributes(context.active(), attributes), fn);
    }

    function attributesApp(): { server: FastifyInstance; seen: Map<string, unknown> } {
      const server = app();
      const seen = new Map<string, unknown>();
      server.addHook('onRequest', (request, _reply, done) => {
        withAttributes({ 'session.id': String(request.headers['x-session']) }, () => done());
      });
      // A later hook adds its own, and wins for a key set in both.
      server.addHook('preHandler', (request, _reply, done) => {
        withAttributes({ 'user.id': `u-${String(request.headers['x-session'])}` }, () => done());
      });
      const handler = async (request: FastifyRequest) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        const tag = String(request.headers['x-session']);
        seen.set(tag, contextAttributes(context.active()));
        tracer.startSpan(`work ${tag}`).end();
        return { tag };
      };
      server.get('/chat', handler);
      server.post('/chat', handler);
      return { server, seen };
    }

    it.each(['GET', 'POST'] as const)('%s, concurrent requests kept apart', async (method) => {
      const { server, seen } = attributesApp();
      const tags = ['s1', 's2', 's3', 's4'];
      await Promise.all(
        tags.map((tag) =>
          server.inject({
            method,
            url: '/chat',
            headers: { 'x-session': tag },
            ...(method === 'POST' ? { payload: { question: `from ${tag}` } } : {}),
          }),
        ),
      );
      for (const tag of tags) {
        expect(seen.get(tag)).toEqual({ 'session.id': tag, 'user.id': `u-${tag}` });
      }
    });
  });

  it("a hook resuming the request in a pool's context: the handler still runs in the request's", async () => {
    // A connection pool's callbacks run in the context its connection was made in, not the
    // caller's: here the context of the app's start-up, with no span and no attributes.
    const pool = new AsyncResource('pool');
    const query = (done: () => void) => setImmediate(() => pool.runInAsyncScope(done));
    const server = app({ serverSpans: false });
    // Each request in a context of its own "server span" (inject() has no HTTP server span),
    // with its session set around done(), as the app's onRequest hook does.
    const servers = new Map<string, Span>();
    server.addHook('onRequest', (request, _reply, done) => {
      const tag = String(request.headers['x-session']);
      const span = tracer.startSpan(`server ${tag}`, { kind: SpanKind.SERVER });
      servers.set(tag, span);
      const requestContext = trace.setSpan(context.active(), span);
      context.with(withContextAttributes(requestContext, { 'session.id': tag }), () => done());
    });
    server.addHook('preHandler', (_request, _reply, done) => query(done));
    const seen = new Map<string, { attributes: unknown; parent: string | undefined }>();
    server.post('/chat', (request) => {
      const tag = String(request.headers['x-session']);
      const handler = trace.getActiveSpan() as unknown as ReadableSpan | undefined;
      seen.set(tag, {
        attributes: contextAttributes(context.active()),
        parent: handler?.parentSpanContext?.spanId,
      });
      return { tag };
    });
    const tags = ['p1', 'p2', 'p3'];
    await Promise.all(
      tags.map((tag) =>
        server.inject({
          method: 'POST',
          url: '/chat',
          headers: { 'x-session': tag },
          payload: { question: tag },
        }),
      ),
    );
    for (const tag of tags) {
      const serverSpan = servers.get(tag)!;
      serverSpan.end();
      expect(seen.get(tag)).toEqual({
        attributes: { 'session.id': tag },
        parent: serverSpan.spanContext().spanId,
      });
    }
  });

  it('requestHook sees the span, the request and the route; a throwing one is contained', async () => {
    const infos: FastifyRequestInfo[] = [];
    instrumentation.setConfig({
      requestHook: (span, info) => {
        infos.push(info);
        span.setAttribute('app.tenant', String(info.request.headers['x-tenant']));
        throw new Error('hook bug');
      },
    });
    const server = app();
    server.get('/t/:id', () => 'ok');
    const response = await server.inject({
      method: 'GET',
      url: '/t/1',
      headers: { 'x-tenant': 'acme' },
    });
    expect(response.body).toBe('ok');
    const [span] = await handlerSpansEnded(1);
    expect(span?.attributes['app.tenant']).toBe('acme');
    expect(infos.map((i) => [i.route, i.request.method, i.request.url])).toEqual([
      ['/t/:id', 'GET', '/t/1'],
    ]);
    expect(diagLines.some((l) => l.includes('requestHook threw'))).toBe(true);
  });

  it('disabled: no span from instrumented apps, and new apps are left alone', async () => {
    const before = app();
    before.get('/x', () => 'x');
    await before.ready();
    instrumentation.disable();
    const after = app();
    after.get('/y', () => 'y');
    expect((await before.inject({ method: 'GET', url: '/x' })).body).toBe('x');
    expect((await after.inject({ method: 'GET', url: '/y' })).body).toBe('y');
    expect(handlerSpans()).toEqual([]);
    // Enabled again: the app made before traces again, the one made while disabled never does.
    instrumentation.enable();
    await before.inject({ method: 'GET', url: '/x' });
    await after.inject({ method: 'GET', url: '/y' });
    expect((await handlerSpansEnded(1)).map((s) => s.name)).toEqual(['request handler - /x']);
  });

  it('two instrumentations in one process: one span per request', async () => {
    const second = new FastifyInstrumentation();
    second.setTracerProvider(provider);
    try {
      const server = app();
      server.get('/once', () => 'once');
      await server.inject({ method: 'GET', url: '/once' });
      expect(await handlerSpansEnded(1)).toHaveLength(1);
    } finally {
      second.disable();
    }
  });

  it('a failure of our own reaches neither the response nor the app, and is reported', async () => {
    instrumentation.setTracerProvider(explodingTracerProvider());
    const server = app();
    server.get('/fine', async () => ({ fine: true }));
    const response = await server.inject({ method: 'GET', url: '/fine' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ fine: true });
    const reports = diagLines.filter((l) => l.includes('SL_FASTIFY_INSTRUMENTATION_FAILED'));
    expect(reports).toHaveLength(1);
    expect(reports[0]).not.toContain('sk-secret');
  });

  it('an instance whose addHook throws is still created and works', async () => {
    const { subscribe, unsubscribe } = await import('node:diagnostics_channel');
    // A subscriber ahead of ours breaks addHook for this one instance.
    const breakAddHook = (message: unknown) => {
      const instance = (message as { fastify: { addHook: unknown } }).fastify;
      instance.addHook = () => {
        throw new Error('addHook broken');
      };
    };
    instrumentation.disable();
    subscribe('fastify.initialization', breakAddHook);
    instrumentation.enable();
    try {
      const server = app({ serverSpans: false });
      expect(diagLines.some((l) => l.includes('SL_FASTIFY_INSTRUMENTATION_FAILED'))).toBe(true);
      server.get('/still', () => 'still');
      expect((await server.inject({ method: 'GET', url: '/still' })).body).toBe('still');
    } finally {
      unsubscribe('fastify.initialization', breakAddHook);
    }
  });
});

function hrMillis([seconds, nanos]: readonly [number, number]): number {
  return seconds * 1e3 + nanos / 1e6;
}
