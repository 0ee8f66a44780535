import type { IncomingMessage } from 'node:http';
import { context } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import type { HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import type { UndiciInstrumentationConfig } from '@opentelemetry/instrumentation-undici';
import { isOwnServer } from '../../src/base/own-servers';
import { ignoredPathMatcher } from './ignore-paths';

/** The settings the bundled HTTP instrumentations read. */
export interface HttpSettings {
  /** Incoming paths left untraced (`SPRINTLENS_HTTP_IGNORE_PATHS`). */
  readonly ignorePaths?: readonly string[] | undefined;
}

/**
 * `@opentelemetry/instrumentation-http` as sprintlens bundles it (it emits the stable HTTP
 * semantic conventions only; see docs/http.md):
 *
 * - incoming requests to the SDK's own servers (`/metrics`, `/healthz`) and to the ignored
 *   paths are skipped: no span, no `http.server.request.duration`, and the instrumentation
 *   runs their handling with tracing suppressed;
 * - outgoing requests made with tracing suppressed are skipped whole. Every request of the
 *   SDK runs so (src/base/http-client.ts): suppression alone would leave it without a span,
 *   but still counted in `http.client.request.duration` against the collector;
 * - other outgoing requests are traced, with W3C `traceparent` from the global propagator.
 */
export function httpInstrumentationConfig(settings: HttpSettings): HttpInstrumentationConfig {
  const ignoredPath = ignoredPathMatcher(settings.ignorePaths ?? []);
  return {
    ignoreIncomingRequestHook: (request: IncomingMessage) =>
      isOwnServer(serverOf(request)) || (ignoredPath?.(request.url) ?? false),
    ignoreOutgoingRequestHook: suppressed,
  };
}

/**
 * `@opentelemetry/instrumentation-undici` (undici and global `fetch`) as sprintlens bundles it:
 * requests made with tracing suppressed are skipped whole, as for `http`.
 */
export function undiciInstrumentationConfig(): UndiciInstrumentationConfig {
  return { ignoreRequestHook: suppressed };
}

/** Whether the request is being made with tracing suppressed (the hooks run in its context). */
function suppressed(): boolean {
  return isTracingSuppressed(context.active());
}

/** The server a request arrived on: `net.Server` sets `socket.server` on every connection. */
function serverOf(request: IncomingMessage): unknown {
  return (request.socket as { server?: unknown } | null | undefined)?.server;
}
