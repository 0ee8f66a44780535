import type { Span } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/**
 * The fields of a Fastify request a {@link FastifyInstrumentationConfig.requestHook} can rely
 * on. It is the real `FastifyRequest`: cast it to reach the rest (sprintlens does not depend on
 * fastify's types, which differ between Fastify 4 and 5).
 */
export interface FastifyRequestLike {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** What {@link FastifyInstrumentationConfig.requestHook} receives besides the span. */
export interface FastifyRequestInfo {
  /** The request being handled. */
  readonly request: FastifyRequestLike;
  /** The route it matched, e.g. `/users/:id` (prefix included). */
  readonly route: string;
}

/** Options of {@link FastifyInstrumentation}. */
export interface FastifyInstrumentationConfig extends InstrumentationConfig {
  /**
   * Called with each handler span as it starts, before the handler runs, e.g. to add
   * attributes read from the request. What it throws is logged through OpenTelemetry's
   * diagnostics and does not reach the request.
   */
  requestHook?: (span: Span, info: FastifyRequestInfo) => void;
}
