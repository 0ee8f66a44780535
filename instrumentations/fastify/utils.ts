import { trace } from '@opentelemetry/api';
import type { Attributes, Context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import {
  contextAttributes,
  mergeAttributes,
  withContextAttributes,
} from '../../src/base/context-attributes';
import type { ReplyLike, RequestLike, RouteHandler, RouteOptionsLike } from './internal-types';

/** Stable HTTP semantic conventions: the matched route template. */
export const ATTR_HTTP_ROUTE = 'http.route';
/** What the span stands for in Fastify (the value `request_handler`, as the contrib package). */
export const ATTR_FASTIFY_TYPE = 'fastify.type';
/** The handler function's own name, when it has one. */
export const ATTR_FASTIFY_NAME = 'fastify.name';
export const FASTIFY_TYPE_REQUEST_HANDLER = 'request_handler';

/** The handler span's name: `request handler - /users/:id` (as Express's handler spans). */
export function handlerSpanName(route: string): string {
  return `request handler - ${route}`;
}

/** The handler span's attributes, fixed per route (computed once, when the route is added). */
export function handlerAttributes(route: string, handlerName: string): Attributes {
  const attributes: Attributes = {
    [ATTR_HTTP_ROUTE]: route,
    [ATTR_FASTIFY_TYPE]: FASTIFY_TYPE_REQUEST_HANDLER,
  };
  // `bound x` is what Function.prototype.bind names a copy; `anonymous` names nothing.
  const name = handlerName.startsWith('bound ') ? handlerName.slice(6) : handlerName;
  if (name !== '' && name !== 'anonymous') attributes[ATTR_FASTIFY_NAME] = name;
  return attributes;
}

/** The route an `onRoute` hook is adding (its full URL, prefix included), if it has one. */
export function routeOfOptions(options: RouteOptionsLike): string | undefined {
  return typeof options.url === 'string' && options.url !== '' ? options.url : undefined;
}

/** The route a request matched; `undefined` when none did (not-found) or Fastify hides it. */
export function matchedRoute(request: RequestLike): string | undefined {
  if (request.is404 === true) return undefined;
  const url = request.routeOptions?.url;
  return typeof url === 'string' && url !== '' ? url : undefined;
}

/**
 * Names the HTTP server span of the request `ctx` belongs to after `route`: the HTTP
 * instrumentation reads the route from its RPC metadata when the response ends, sets
 * `http.route` and renames the span `{method} {route}` (and adds the route to its duration
 * metric). The same hand-over the contrib Express and Koa instrumentations use.
 */
export function setServerRoute(ctx: Context, route: string): void {
  const metadata = getRPCMetadata(ctx);
  if (metadata?.type === RPCType.HTTP) metadata.route = route;
}

/**
 * The context a route handler runs in, from the `active` one and the one `captured` once the
 * request's `onRequest` hooks were done (with what they set by `withAttributes`). A hook that
 * calls `done` from a callback of some other context (a connection pool's, an emitter's) makes
 * the handler resume there: with no span, or another trace's (another request's). Then the
 * request's own captured context is used. Otherwise the active context stays, with the captured
 * attributes put beneath its own. Two concurrent requests continuing one incoming trace cannot
 * be told apart this way; those keep the active context.
 */
export function handlerContext(active: Context, captured: Context): Context {
  if (active === captured) return active;
  const requestSpan = trace.getSpan(captured);
  if (requestSpan !== undefined) {
    const activeSpan = trace.getSpan(active);
    if (
      activeSpan === undefined ||
      activeSpan.spanContext().traceId !== requestSpan.spanContext().traceId
    ) {
      return captured;
    }
  }
  const attributes = contextAttributes(captured);
  return attributes === undefined ? active : withCapturedAttributes(active, attributes);
}

/** `ctx` with `captured` context attributes beneath its own: a key `ctx` sets keeps its value. */
export function withCapturedAttributes(ctx: Context, captured: Readonly<Attributes>): Context {
  const own = contextAttributes(ctx);
  if (own === captured) return ctx; // resumed in the very context: nothing was lost
  if (own === undefined) return withContextAttributes(ctx, captured);
  const merged = mergeAttributes(captured, own);
  return merged === undefined ? ctx : withContextAttributes(ctx, merged);
}

/** A Fastify request, as far as the handler span needs one. */
export function isRequest(value: unknown): value is RequestLike {
  return (
    typeof value === 'object' && value !== null && typeof (value as RequestLike).method === 'string'
  );
}

/**
 * A Fastify reply. Handlers of plugins that change the signature (`@fastify/websocket` calls
 * `(socket, request)`) fail this and run without a span.
 */
export function isReply(value: unknown): value is ReplyLike {
  if (typeof value !== 'object' || value === null) return false;
  const reply = value as Partial<ReplyLike> & { send?: unknown };
  return (
    typeof reply.send === 'function' &&
    typeof reply.statusCode === 'number' &&
    typeof reply.raw === 'object' &&
    reply.raw !== null &&
    typeof reply.raw.once === 'function'
  );
}

/** A route handler function. */
export function isHandler(value: unknown): value is RouteHandler {
  return typeof value === 'function';
}
