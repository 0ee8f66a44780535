/**
 * Whether `value` has a callable `then`: a promise or any thenable (a query builder, an SDK's
 * own promise class). Callers decide whether calling `then` is safe: on some thenables it
 * starts the work again.
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
