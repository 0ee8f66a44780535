import { SpanStatusCode } from '@opentelemetry/api';
import type { Exception, Span } from '@opentelemetry/api';
import { types } from 'node:util';
import { isThenable } from '../../src/base/thenable';
import type { ReplyLike } from './internal-types';

/**
 * One invocation of a route handler and its span, ended exactly once whichever way the handler
 * finishes: it returns a value (Fastify sends it), its promise settles, it throws or rejects, or
 * it returns nothing (or the reply) and sends later through `reply.send` — then the span ends
 * with the response. An error recorded while it is open (Fastify's `onError` for an error the
 * handler sent) and a 5xx response set the status ERROR. Nothing here throws.
 */
export class HandlerRun {
  private ended = false;
  private failed = false;

  constructor(
    readonly span: Span,
    private readonly reply: ReplyLike,
  ) {}

  /** Runs `handler` and watches how it finishes; returns (or throws) exactly what it does. */
  invoke(handler: (...args: unknown[]) => unknown, self: unknown, args: unknown[]): unknown {
    let result: unknown;
    try {
      result = handler.apply(self, args);
    } catch (error) {
      this.fail(error);
      throw error;
    }
    this.watch(result);
    return result;
  }

  /** Records `error` on the open span (status ERROR and an exception event), once. */
  recordError(error: unknown): void {
    if (this.ended || this.failed) return;
    try {
      this.failed = true;
      this.span.recordException(asException(error));
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(error) });
    } catch {
      // A broken error object: the status stays as it is.
    }
  }

  /** Ends the span (status ERROR for a 5xx response), once. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      if (!this.failed && this.reply.statusCode >= 500) {
        this.span.setStatus({ code: SpanStatusCode.ERROR });
      }
    } catch {
      // A reply without a readable status: the span ends with the status it has.
    }
    try {
      this.span.end();
    } catch {
      // Nothing of ours may reach the app.
    }
  }

  private fail(error: unknown): void {
    this.recordError(error);
    this.end();
  }

  private watch(result: unknown): void {
    try {
      // Only a native promise is observed: a thenable such as a query builder may run its work
      // again on every `then`, and Fastify calls `then` on it already; its span ends with the
      // response instead.
      if (types.isPromise(result)) {
        result.then(
          (value) => this.returned(value),
          (error: unknown) => this.fail(error),
        );
      } else if (isThenable(result)) {
        this.endWithResponse();
      } else {
        this.returned(result);
      }
    } catch {
      this.end();
    }
  }

  /** The handler's value: Fastify sends it, unless it is nothing (or the reply) and unsent. */
  private returned(value: unknown): void {
    try {
      if ((value === undefined || value === this.reply) && !this.reply.sent) this.endWithResponse();
      else this.end();
    } catch {
      this.end();
    }
  }

  private endWithResponse(): void {
    const raw = this.reply.raw;
    if (raw.closed === true) this.end();
    else raw.once('close', () => this.end());
  }
}

function asException(error: unknown): Exception {
  if (error instanceof Error) return error;
  return typeof error === 'string' ? error : String(error);
}

function messageOf(error: unknown): string | undefined {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : undefined;
}
