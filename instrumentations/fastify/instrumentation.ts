import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { context, SpanKind, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { InstrumentationBase } from '@opentelemetry/instrumentation';
import type { InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import { reportError } from '../../src/base/diag';
import { FastifyInstrumentationError } from '../../src/base/errors';
import { VERSION } from '../../src/base/version';
import { HandlerRun } from './handler-run';
import type {
  FastifyInstanceLike,
  HookDone,
  RequestLike,
  RouteHandler,
  RouteOptionsLike,
} from './internal-types';
import type { FastifyInstrumentationConfig, FastifyRequestLike } from './types';
import {
  handlerAttributes,
  handlerContext,
  handlerSpanName,
  isHandler,
  isReply,
  isRequest,
  matchedRoute,
  routeOfOptions,
  setServerRoute,
} from './utils';

/** Fastify 4 and 5 publish `{ fastify }` here as each instance is created. */
const INITIALIZATION_CHANNEL = 'fastify.initialization';
/** On an instance some copy of sprintlens instruments (global: the CJS and ESM builds agree). */
const INSTRUMENTED = Symbol.for('sprintlens.fastify.instrumented');
/** On a wrapped handler: the route's own handler (a HEAD route copies its GET's handler). */
const ORIGINAL = Symbol('sprintlens.fastify.handler');
/** On a request: the active context once its `onRequest` hooks were done. */
const CAPTURED = Symbol('sprintlens.fastify.context');
/** On a request: its handler's run (span), for the `onError` hook. */
const RUN = Symbol('sprintlens.fastify.run');

type Instance = FastifyInstanceLike & { [INSTRUMENTED]?: true };
type RequestState = RequestLike & { [CAPTURED]?: Context; [RUN]?: HandlerRun };
type Wrapped = RouteHandler & { [ORIGINAL]?: RouteHandler };
/** A callback-style `preParsing` (the payload) or `onError` (the error) hook. */
type HookWithValue = (request: unknown, reply: unknown, value: unknown, done: HookDone) => void;

/**
 * Fastify 4 and 5, with no module patching: it subscribes to the `fastify.initialization`
 * diagnostics channel, so it works the same under `--require` and `--import`, with no ES-module
 * hook. It instruments the instances created while it is enabled (an instance created before
 * `start()` is not), adding four hooks to each, first in their lists:
 *
 * - `onRoute`: wraps every route's handler (plugins included) in one INTERNAL span,
 *   `request handler - {route}`, active while the handler runs and ended however it finishes
 *   (within a request's span only, as the Express and Koa spans);
 * - `onRequest`: hands the matched route to the HTTP server span (`http.route`, and the name
 *   `{method} {route}` of the stable HTTP semantic conventions);
 * - `preParsing`: keeps the context the app's `onRequest` hooks left (with what they set by
 *   `withAttributes(attributes, () => done())`), so that the handler still runs in the
 *   request's context, with those attributes, when a later hook resumes it elsewhere;
 * - `onError`: records an error a callback-style handler sends (`reply.send(error)`).
 *
 * The server span itself comes from the HTTP instrumentation. Nothing of this throws into the
 * app: a failure leaves the request as Fastify handles it and is reported as
 * `SL_FASTIFY_INSTRUMENTATION_FAILED`.
 */
export class FastifyInstrumentation extends InstrumentationBase<FastifyInstrumentationConfig> {
  // Declared, not initialised: the base constructor calls enable() before field initialisers
  // would run, and one would reset it.
  declare private onInitialization: ((message: unknown) => void) | undefined;

  constructor(config: FastifyInstrumentationConfig = {}) {
    super('@sprintlens/instrumentation-fastify', VERSION, config);
  }

  protected init(): InstrumentationModuleDefinition[] {
    return []; // nothing is patched on require or import: see the class comment
  }

  override enable(): void {
    super.enable();
    if (this.onInitialization !== undefined) return;
    this.onInitialization = (message) => this.instrumentInstance(message);
    subscribe(INITIALIZATION_CHANNEL, this.onInitialization);
  }

  override disable(): void {
    super.disable();
    if (this.onInitialization === undefined) return;
    unsubscribe(INITIALIZATION_CHANNEL, this.onInitialization);
    this.onInitialization = undefined;
  }

  /** Adds the hooks to a new instance; they pass through while the instrumentation is off. */
  private instrumentInstance(message: unknown): void {
    try {
      const app = (message as { fastify?: unknown } | null)?.fastify;
      if (!isInstance(app) || app[INSTRUMENTED] === true) return;
      app[INSTRUMENTED] = true;
      app.addHook('onRoute', this.onRouteHook());
      app.addHook('onRequest', this.onRequestHook());
      app.addHook('preParsing', this.preParsingHook());
      app.addHook('onError', this.onErrorHook());
    } catch (error) {
      // A throw here would be re-thrown by the channel as an uncaught exception.
      reportInternal('the instance set-up', error);
    }
  }

  private onRouteHook(): (options: RouteOptionsLike) => void {
    return (options) =>
      guarded('onRoute', () => {
        const handler = options.handler;
        const route = routeOfOptions(options);
        if (route === undefined || !isHandler(handler) || ORIGINAL in handler) return;
        options.handler = this.wrapHandler(handler, route);
      });
  }

  private onRequestHook(): (request: unknown, reply: unknown, done: HookDone) => void {
    return (request, _reply, done) => {
      guarded('onRequest', () => {
        if (!this.isEnabled() || !isRequest(request)) return;
        const route = matchedRoute(request);
        // Ours is the first onRequest hook: the active context is the server span's.
        if (route !== undefined) setServerRoute(context.active(), route);
      });
      done();
    };
  }

  private preParsingHook(): HookWithValue {
    return (request, _reply, _payload, done) => {
      // The app's onRequest hooks called `done` in this context, with what they set; a later
      // hook may resume the request elsewhere (see `handlerContext`).
      guarded('preParsing', () => {
        if (this.isEnabled() && isRequest(request)) {
          (request as RequestState)[CAPTURED] = context.active();
        }
      });
      done();
    };
  }

  private onErrorHook(): HookWithValue {
    return (request, _reply, error, done) => {
      guarded('onError', () => {
        if (isRequest(request)) (request as RequestState)[RUN]?.recordError(error);
      });
      done();
    };
  }

  /** `handler` run in its span, with the same name, length and behaviour. */
  private wrapHandler(handler: RouteHandler, route: string): RouteHandler {
    const name = handlerSpanName(route);
    const attributes = handlerAttributes(route, handler.name);
    const start = (args: readonly unknown[]) =>
      this.isEnabled() ? this.startRun(name, attributes, route, args) : undefined;
    // A function, not an arrow: Fastify calls the handler with its instance as `this`.
    const wrapped: Wrapped = function (this: unknown, ...args: unknown[]): unknown {
      const started = start(args);
      if (started === undefined) return handler.apply(this, args);
      const run = started.run;
      return run === undefined
        ? context.with(started.context, () => handler.apply(this, args))
        : context.with(started.context, () => run.invoke(handler, this, args));
    };
    Object.defineProperty(wrapped, 'name', { value: handler.name });
    Object.defineProperty(wrapped, 'length', { value: handler.length });
    Object.defineProperty(wrapped, ORIGINAL, { value: handler });
    return wrapped;
  }

  /**
   * The context one call runs in, the request's (see `handlerContext`), and its handler span
   * started there. As the Express and Koa instrumentations, no span outside a request's span
   * (the HTTP instrumentation off): the handler then runs in the context alone. `undefined`
   * (the call as it is) for a call that is not `(request, reply)`, or if anything fails.
   */
  private startRun(
    name: string,
    attributes: Attributes,
    route: string,
    args: readonly unknown[],
  ): { run?: HandlerRun; context: Context } | undefined {
    try {
      const [request, reply] = args;
      if (!isRequest(request) || !isReply(reply)) return undefined;
      const state = request as RequestState;
      const active = context.active();
      const captured = state[CAPTURED];
      const parent = captured === undefined ? active : handlerContext(active, captured);
      // Again here for Fastify 4 before 4.10, whose requests have no `routeOptions`.
      setServerRoute(parent, route);
      if (trace.getSpan(parent) === undefined) return { context: parent };
      const span = this.tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, parent);
      const run = new HandlerRun(span, reply);
      state[RUN] = run;
      this.callRequestHook(span, request, route);
      return { run, context: trace.setSpan(parent, span) };
    } catch (error) {
      reportInternal('the handler span', error);
      return undefined;
    }
  }

  private callRequestHook(span: Span, request: RequestLike, route: string): void {
    const hook = this.getConfig().requestHook;
    if (hook === undefined) return;
    try {
      hook(span, { request: request as unknown as FastifyRequestLike, route });
    } catch (error) {
      this._diag.error('the requestHook threw', error);
    }
  }
}

function isInstance(value: unknown): value is Instance {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as FastifyInstanceLike).addHook === 'function'
  );
}

/** Runs `body` of our own code in an app's hook: what it throws is reported, not thrown. */
function guarded(where: string, body: () => void): void {
  try {
    body();
  } catch (error) {
    reportInternal(where, error);
  }
}

/** Reports a failure of our own code (rate-limited); never throws. */
function reportInternal(where: string, error: unknown): void {
  try {
    reportError(new FastifyInstrumentationError(where, error));
  } catch {
    // Diagnostics must not fail the request either.
  }
}
