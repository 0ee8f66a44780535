/**
 * `withAttributes` in the shapes web frameworks call: an Express middleware, a Koa middleware,
 * a Fastify `onRequest` hook. Typed structurally, so no framework is imported or required.
 */
import { context } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { reportWarning } from '../base/diag';
import { AttributesSelectorFailedError } from '../base/errors';
import { contextAttributeCounters, mergeAttributes } from '../base/context-attributes';
import { attachToRequest, trackRequestScopes } from './request-scope';
import { withAttributes } from './with-attributes';

/**
 * Reads the attributes of one request (for example `session.id` from a cookie, `user.id` from
 * the authenticated user). Return `undefined`, or leave a value `undefined`, for none. It runs
 * once per request, in the request's context, before anything else of the middleware.
 */
export type SelectAttributes<Request> = (request: Request) => Attributes | undefined;

/** An Express (4 or 5) middleware: `(req, res, next)`. */
export type ExpressAttributesMiddleware<Request> = (
  req: Request,
  res: unknown,
  next: (error?: unknown) => void,
) => void;

/** A Koa middleware: `(ctx, next)`, returning `next()`'s promise. */
export type KoaAttributesMiddleware<Context> = (
  ctx: Context,
  next: () => Promise<unknown>,
) => Promise<unknown>;

/** A Fastify (4 or 5) `onRequest` hook in callback form: `(request, reply, done)`. */
export type FastifyAttributesHook<Request> = (
  request: Request,
  reply: unknown,
  done: (error?: Error) => void,
) => void;

/**
 * Middleware forms of `withAttributes`: each runs the rest of the request inside
 * `withAttributes(select(request), …)` and also attaches the attributes to the request, so the
 * request's SERVER span and everything started under it get them even where the framework
 * resumes work in another context (a body reader calling `next` from the request's events,
 * Fastify's per-hook context). Put it first, or right after the middleware that authenticates
 * the user:
 *
 * ```ts
 * import { attributesMiddleware } from 'sprintlens';
 *
 * app.use(attributesMiddleware.express((req: Request) => ({
 *   'session.id': req.get('x-session-id'),
 *   'user.id': req.user?.id,
 * })));
 * ```
 *
 * Make the middleware when you build the app: requests that started before the first one was
 * made have no request scope, and rely on the context alone.
 */
export const attributesMiddleware = {
  /**
   * An Express (4 or 5) middleware: `app.use(attributesMiddleware.express((req) => attrs))`.
   * It calls `next()` inside `withAttributes`.
   */
  express<Request>(select: SelectAttributes<Request>): ExpressAttributesMiddleware<Request> {
    return callbackMiddleware('express', select);
  },

  /**
   * A Koa middleware: `app.use(attributesMiddleware.koa((ctx) => attrs))`. It returns
   * `next()`'s promise, run inside `withAttributes`.
   */
  koa<Context>(select: SelectAttributes<Context>): KoaAttributesMiddleware<Context> {
    trackRequestScopes();
    return function sprintlensAttributes(ctx, next) {
      const attributes = selectFrom('koa', select, ctx);
      return attributes === undefined ? next() : withAttributes(attributes, next);
    };
  },

  /**
   * A Fastify (4 or 5) `onRequest` hook:
   * `app.addHook('onRequest', attributesMiddleware.fastify((request) => attrs))`. It calls
   * `done()` inside `withAttributes`; the request scope carries the attributes through the
   * hooks and the handler, which Fastify runs in contexts of its own.
   */
  fastify<Request>(select: SelectAttributes<Request>): FastifyAttributesHook<Request> {
    return callbackMiddleware('fastify', select);
  },
};

/**
 * Express's `(req, res, next)` and Fastify's `(request, reply, done)`: one shape. The callback
 * is called with no argument (an error would skip the rest of the request).
 */
function callbackMiddleware<Request>(
  framework: string,
  select: SelectAttributes<Request>,
): (request: Request, response: unknown, next: () => void) => void {
  trackRequestScopes();
  return function sprintlensAttributes(request, _response, next) {
    const attributes = selectFrom(framework, select, request);
    if (attributes === undefined) next();
    else withAttributes(attributes, () => next());
  };
}

/**
 * `select(request)`, attached to the request's scope; `undefined` when it gives nothing or
 * throws (reported and counted: a telemetry helper never fails a request).
 */
function selectFrom<Request>(
  framework: string,
  select: SelectAttributes<Request>,
  request: Request,
): Readonly<Attributes> | undefined {
  let selected: unknown;
  try {
    selected = select(request);
  } catch (error) {
    contextAttributeCounters.invalid++;
    reportWarning(new AttributesSelectorFailedError(framework, error));
    return undefined;
  }
  // Bounded (and counted) once here, so neither the scope nor the context counts them again.
  const attributes = mergeAttributes(undefined, selected ?? undefined);
  if (attributes === undefined) return undefined;
  try {
    attachToRequest(context.active(), attributes);
  } catch {
    // The context still carries them; only the scope (and the SERVER span) go without.
  }
  return attributes;
}
