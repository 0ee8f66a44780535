import { SpanStatusCode } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_HTTP_STATUS_CODE } from '../genai/semconv';

/**
 * `error.type`: the error's class name (`APICallError`, `RetryError`, `NoObjectGeneratedError`),
 * else its `name`; `_OTHER` for a value that is no error.
 */
export function errorTypeOf(error: unknown): string {
  if (error instanceof Error) {
    const ctor = error.constructor?.name;
    return typeof ctor === 'string' && ctor !== '' && ctor !== 'Error' ? ctor : error.name;
  }
  return '_OTHER';
}

/**
 * The HTTP status of a failed model call: `statusCode` of the AI SDK's `APICallError`, or of the
 * last one a `RetryError` gave up on; `status` of an SDK error.
 */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { statusCode, status, lastError } = error as {
    statusCode?: unknown;
    status?: unknown;
    lastError?: unknown;
  };
  if (typeof statusCode === 'number') return statusCode;
  if (typeof status === 'number') return status;
  return lastError !== undefined && lastError !== error ? statusOf(lastError) : undefined;
}

/**
 * Marks `span` failed: `error.type`, the HTTP status when there is one, status ERROR. The
 * message may quote the request: only the type goes on the span.
 */
export function markFailed(span: Span, errorType: string, error: unknown): void {
  span.setAttribute(ATTR_ERROR_TYPE, errorType);
  const status = statusOf(error);
  if (status !== undefined && status >= 400) span.setAttribute(ATTR_HTTP_STATUS_CODE, status);
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
}
