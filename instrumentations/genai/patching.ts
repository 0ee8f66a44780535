/** What patching a Stainless-generated SDK (openai, @anthropic-ai/sdk) looks up. */

/** The SDK's main class (`OpenAI`, `Anthropic`), reached the way each module format exports it. */
export function sdkRoot(exports: unknown, className: string): Record<string, unknown> {
  const root = (exports as Record<string, unknown> | null) ?? {};
  return (root[className] ?? root.default ?? root) as Record<string, unknown>;
}

/** `APIPromise.prototype`, exported by the package's main entry in every supported version. */
function apiPromisePrototype(exports: unknown): { asResponse?: unknown } | undefined {
  const root =
    (exports as { APIPromise?: unknown; default?: { APIPromise?: unknown } } | null) ?? {};
  const ctor = root.APIPromise ?? root.default?.APIPromise;
  return typeof ctor === 'function' ? (ctor.prototype as { asResponse?: unknown }) : undefined;
}

/** `APIPromise.prototype` when its `asResponse` is there to wrap (and not wrapped yet). */
export function asResponseToWrap(exports: unknown): { asResponse?: unknown } | undefined {
  const apiPromise = apiPromisePrototype(exports);
  return apiPromise !== undefined &&
    typeof apiPromise.asResponse === 'function' &&
    !isWrapped(apiPromise.asResponse)
    ? apiPromise
    : undefined;
}

/** `APIPromise.prototype` when its `asResponse` is a wrapper to remove. */
export function asResponseToUnwrap(exports: unknown): { asResponse?: unknown } | undefined {
  const apiPromise = apiPromisePrototype(exports);
  return apiPromise !== undefined && isWrapped(apiPromise.asResponse) ? apiPromise : undefined;
}

/** Whether `fn` is already a shimmer wrapper, so patching twice does not wrap twice. */
export function isWrapped(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as { __wrapped?: unknown }).__wrapped === true;
}
