/**
 * The middleware helpers and the request scope behind them. Frameworks resume a request's work
 * in contexts of their own: a body reader calling `next` from the request's events (multipart
 * parsers, hand-written readers) in the HTTP server span's context (the HTTP
 * instrumentation binds the request's events to it), Fastify per hook. The tests do what those
 * frameworks do, without them: a SERVER span, the helper run in its context (or in a framework
 * middleware span's), and the handler continued later in the SERVER span's context.
 */
import {
  context,
  diag,
  DiagLogLevel,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  TraceFlags,
} from '@opentelemetry/api';
import type { Attributes, Context } from '@opentelemetry/api';
import { beforeAll, describe, expect, it } from 'vitest';
import { contextAttributeCounters } from '../../../src/base/context-attributes';
import { resetDiagRateLimits } from '../../../src/base/diag';
import { attributesMiddleware } from '../../../src/context/middleware';
import { joinRequestScope } from '../../../src/context/request-scope';
import { withAttributes } from '../../../src/context/with-attributes';
import { inMemoryTelemetry } from './in-memory-telemetry';

const t = inMemoryTelemetry();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface FakeRequest {
  readonly headers: Record<string, string | undefined>;
}
const request = (session: string, user: string): FakeRequest => ({
  headers: { 'x-session-id': session, 'x-user-id': user },
});
const select = (req: FakeRequest): Attributes => ({
  'session.id': req.headers['x-session-id'],
  'user.id': req.headers['x-user-id'],
});

/** An incoming request's SERVER span, under `parent` (a remote parent, or none). */
function serverSpan(name: string, parent: Context = ROOT_CONTEXT) {
  const span = t.tracer.startSpan(name, { kind: SpanKind.SERVER }, parent);
  return { span, ctx: trace.setSpan(parent, span) };
}

/** A handler's work: an LLM span, a child of it, a log line. */
function handle(id: string): void {
  t.tracer.startActiveSpan(`llm ${id}`, { kind: SpanKind.CLIENT }, (llm) => {
    t.span(`http client ${id}`);
    llm.end();
  });
  t.log(`handled ${id}`);
}

/**
 * An Express request: `middleware` runs in a framework middleware span's context; the body
 * parser after it calls `next` back later, in the SERVER span's context.
 */
async function expressRequest(
  middleware: (req: FakeRequest, res: unknown, next: () => void) => void,
  id: string,
  req: FakeRequest,
  parent?: Context,
): Promise<void> {
  const server = serverSpan(`POST ${id}`, parent);
  const mwSpan = t.tracer.startSpan('middleware - sprintlensAttributes', {}, server.ctx);
  await new Promise<void>((resolve) => {
    context.with(trace.setSpan(server.ctx, mwSpan), () =>
      middleware(req, {}, () => {
        mwSpan.end();
        // A body reader: the body arrives later, its events bound to the SERVER span's context.
        setTimeout(
          context.bind(server.ctx, () => {
            handle(id);
            resolve();
          }),
          Number(id.replace(/\D/g, '') || 1) % 4,
        );
      }),
    );
  });
  server.span.end();
}

describe('before any middleware helper is made', () => {
  it('no request scope is kept: a SERVER span opens none', () => {
    const { span } = serverSpan('early');
    expect(joinRequestScope(span as never, ROOT_CONTEXT)).toBeUndefined();
    span.end();
  });
});

describe('attributesMiddleware', () => {
  let express: ReturnType<typeof attributesMiddleware.express<FakeRequest>>;
  beforeAll(() => {
    express = attributesMiddleware.express(select);
  });

  it('express: the attributes reach the handler after a body reader lost the context', async () => {
    await expressRequest(express, 'r1', request('s-1', 'u-1'));
    const expected = { 'session.id': 's-1', 'user.id': 'u-1' };
    expect(t.spanNamed('llm r1').attributes).toMatchObject(expected);
    expect(t.spanNamed('http client r1').attributes).toMatchObject(expected);
    expect(t.recordOf('handled r1').attributes).toMatchObject(expected);
    // And the request's SERVER span itself.
    expect(t.spanNamed('POST r1').attributes).toMatchObject(expected);
  });

  it('(without the helper, withAttributes(attrs, next) alone loses them there)', async () => {
    const plain = (req: FakeRequest, _res: unknown, next: () => void) =>
      withAttributes(select(req), next);
    await expressRequest(plain, 'p1', request('s-p', 'u-p'));
    expect(t.spanNamed('llm p1').attributes['session.id']).toBeUndefined();
    expect(t.recordOf('handled p1').attributes['session.id']).toBeUndefined();
  });

  it('concurrent requests never see each other’s attributes, even under one incoming trace', async () => {
    const remote = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        expressRequest(
          express,
          `c${i}`,
          request(`s-${i}`, `u-${i}`),
          i % 2 === 0 ? remote : undefined,
        ),
      ),
    );
    for (let i = 0; i < 12; i++) {
      const expected = { 'session.id': `s-${i}`, 'user.id': `u-${i}` };
      expect(t.spanNamed(`llm c${i}`).attributes).toMatchObject(expected);
      expect(t.spanNamed(`http client c${i}`).attributes).toMatchObject(expected);
      expect(t.recordOf(`handled c${i}`).attributes).toMatchObject(expected);
      expect(t.spanNamed(`POST c${i}`).attributes).toMatchObject(expected);
    }
  });

  it('a withAttributes inside the handler wins over the request’s; the SERVER span keeps its own', async () => {
    const server = serverSpan('GET own', ROOT_CONTEXT);
    server.span.setAttribute('http.route', '/chat/:id');
    await new Promise<void>((resolve) => {
      context.with(server.ctx, () =>
        express(request('s-req', 'u-req'), {}, () => {
          setTimeout(
            context.bind(server.ctx, () => {
              withAttributes({ 'user.id': 'u-inner', 'http.route': 'ours' }, () => handle('own'));
              resolve();
            }),
            1,
          );
        }),
      );
    });
    server.span.end();
    expect(t.spanNamed('llm own').attributes).toMatchObject({
      'session.id': 's-req',
      'user.id': 'u-inner',
    });
    expect(t.spanNamed('GET own').attributes['http.route']).toBe('/chat/:id');
  });

  it('koa: returns next()’s promise, run inside; the scope carries them past a context loss', async () => {
    const koa = attributesMiddleware.koa((ctx: { request: FakeRequest }) => select(ctx.request));
    const server = serverSpan('GET koa');
    const downstream = Promise.resolve('downstream done');
    const result = await context.with(server.ctx, () =>
      koa({ request: request('s-k', 'u-k') }, async () => {
        t.span('koa inside');
        await sleep(1);
        // Continued from somewhere that restored the request's own context.
        context.with(server.ctx, () => handle('koa'));
        return downstream;
      }),
    );
    server.span.end();
    expect(result).toBe('downstream done');
    const expected = { 'session.id': 's-k', 'user.id': 'u-k' };
    expect(t.spanNamed('koa inside').attributes).toMatchObject(expected);
    expect(t.spanNamed('llm koa').attributes).toMatchObject(expected);
    expect(t.recordOf('handled koa').attributes).toMatchObject(expected);
  });

  it('fastify: an onRequest hook whose handler Fastify runs in a context of its own', async () => {
    const hook = attributesMiddleware.fastify(select);
    const server = serverSpan('GET fastify');
    await new Promise<void>((resolve) => {
      context.with(server.ctx, () =>
        hook(request('s-f', 'u-f'), {}, (error?: Error) => {
          expect(error).toBeUndefined();
          // Fastify restores the request's context for the next hooks and the handler.
          setImmediate(() =>
            context.with(server.ctx, () => {
              handle('fastify');
              resolve();
            }),
          );
        }),
      );
    });
    server.span.end();
    const expected = { 'session.id': 's-f', 'user.id': 'u-f' };
    expect(t.spanNamed('llm fastify').attributes).toMatchObject(expected);
    expect(t.recordOf('handled fastify').attributes).toMatchObject(expected);
  });

  it('work outside any request, and a local root that is not a SERVER span, get no request’s attributes', async () => {
    await expressRequest(express, 'r2', request('s-2', 'u-2'));
    t.span('background');
    const job = t.tracer.startSpan('job', { kind: SpanKind.CONSUMER });
    context.with(trace.setSpan(ROOT_CONTEXT, job), () => {
      express(request('s-job', 'u-job'), {}, () => t.span('job step'));
      // Only the context carried them: a sibling started from the job's own context has none.
      t.span('job sibling');
    });
    job.end();
    expect(t.spanNamed('background').attributes['session.id']).toBeUndefined();
    expect(t.spanNamed('job step').attributes['session.id']).toBe('s-job');
    expect(t.spanNamed('job sibling').attributes['session.id']).toBeUndefined();
    expect(t.spanNamed('job').attributes['session.id']).toBeUndefined();
  });

  it('a selector that returns nothing or throws: next runs once, no attributes, the throw reported', () => {
    const reported: string[] = [];
    const push = (...args: unknown[]) => reported.push(args.map(String).join(' '));
    resetDiagRateLimits();
    diag.setLogger(
      { error: push, warn: push, info: push, debug: push, verbose: push },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
    );
    const invalidBefore = contextAttributeCounters.invalid;
    const none = attributesMiddleware.express(() => undefined);
    const throws = attributesMiddleware.express((): Attributes => {
      throw new TypeError('no cookie header with secret-session-value');
    });
    const server = serverSpan('GET selectors');
    let calls = 0;
    context.with(server.ctx, () => {
      none({}, {}, () => {
        calls++;
        t.span('after none');
      });
      throws({}, {}, () => {
        calls++;
        t.span('after throw');
      });
    });
    server.span.end();
    diag.disable();
    expect(calls).toBe(2);
    expect(t.spanNamed('after none').attributes['session.id']).toBeUndefined();
    expect(t.spanNamed('after throw').attributes['session.id']).toBeUndefined();
    expect(contextAttributeCounters.invalid).toBe(invalidBefore + 1);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toContain('SL_ATTRIBUTES_SELECTOR_FAILED');
    expect(reported[0]).toContain('attributesMiddleware.express()');
    expect(reported[0]).toContain('TypeError');
    expect(reported[0]).not.toContain('secret-session-value');
  });

  it('bounds the attributes once per request (cut values counted once)', async () => {
    const before = contextAttributeCounters.valueCut;
    await expressRequest(express, 'long', request('s'.repeat(300), 'u'));
    expect(contextAttributeCounters.valueCut).toBe(before + 1);
    expect(t.spanNamed('llm long').attributes['session.id']).toBe('s'.repeat(255) + '…');
  });
});
