/**
 * The request scope: attributes that belong to one incoming request, whatever context its work
 * resumes in. Frameworks do not always resume a request's work in the context a middleware
 * ran in (a body reader that calls `next` from the request's own events resumes in the HTTP
 * server span's context, to which the HTTP instrumentation binds them; Fastify restores its
 * own per hook), so attributes a middleware sets with `withAttributes(attrs, next)` alone can
 * be lost before the handler runs. The middleware helpers attach them to the request's scope
 * as well, and the scope is found from any span of the request.
 *
 * No framework code: the context-attribute span processor opens a scope at every local root
 * span of kind SERVER (no parent, or a remote one), and every span started under a span of a
 * scope joins it. Each span holds its scope under a global symbol: a property of the span, so
 * nothing outlives its spans (a `WeakMap` would too, but its `set` on every span cost hundreds
 * of nanoseconds: docs/performance.md). Scopes go by span, not by trace id, so two concurrent
 * requests that continue one incoming trace stay apart.
 *
 * Tracking starts when the first middleware helper is made (at app set-up, before requests):
 * until then, and in apps that never use one, the span processor does one flag check here.
 */
import { SpanKind, trace } from '@opentelemetry/api';
import type { AttributeValue, Attributes, Context, Span } from '@opentelemetry/api';
import { contextAttributes, mergeAttributes } from '../base/context-attributes';

/** One incoming request's scope: its root (SERVER) span and the attributes attached to it. */
export interface RequestScope {
  readonly root: ScopeSpan;
  /** Attached by the middleware helpers; bounded like context attributes. */
  attributes: Readonly<Attributes> | undefined;
}

interface ScopeState {
  tracking: boolean;
}

// Global symbols and state: the middleware of one copy of the package (CommonJS or ES module)
// must find the scopes the span processor of another copy opened.
const KEY = Symbol.for('sprintlens.request-scopes');
const SCOPE = Symbol.for('sprintlens.request-scope');
type GlobalWithScopes = typeof globalThis & { [KEY]?: ScopeState };
/** A span as the scopes see it: its scope, if it has one, under {@link SCOPE}. */
type ScopedSpan = Span & { [SCOPE]?: RequestScope };

/** This copy's reference to the process's state, read once (a global lookup costs per span). */
let shared: ScopeState | undefined;

/** The process's scope state, made on first use (a span start or a middleware helper). */
function scopeState(): ScopeState {
  return (shared ??= (globalThis as GlobalWithScopes)[KEY] ??= { tracking: false });
}

/** Starts keeping request scopes (a middleware helper was made). */
export function trackRequestScopes(): void {
  scopeState().tracking = true;
}

/** What the scope reads of an SDK span (`sdk-trace`'s `Span`, structurally). */
export interface ScopeSpan extends Span {
  readonly kind: SpanKind;
  readonly attributes: Attributes;
}

/**
 * Called by the span processor as `span` starts under `parentContext`: opens a scope for a
 * local root SERVER span, puts any other span in its parent's scope. Returns the span's scope.
 * Idempotent (two context-attribute processors on one provider open one scope).
 */
export function joinRequestScope(
  span: ScopeSpan,
  parentContext: Context,
): RequestScope | undefined {
  if (!(shared ?? scopeState()).tracking) return undefined;
  const parent = trace.getSpan(parentContext) as ScopedSpan | undefined;
  const own = span as ScopedSpan;
  let scope: RequestScope | undefined;
  if (parent === undefined || parent.spanContext().isRemote === true) {
    if (span.kind !== SpanKind.SERVER) return undefined;
    scope = own[SCOPE] ?? { root: span, attributes: undefined };
  } else {
    scope = parent[SCOPE];
    if (scope === undefined) return undefined;
  }
  own[SCOPE] = scope;
  return scope;
}

/** The scope of the request `ctx`'s active span belongs to, if any. */
export function requestScopeOf(ctx: Context): RequestScope | undefined {
  if (!(shared ?? scopeState()).tracking) return undefined;
  return (trace.getSpan(ctx) as ScopedSpan | undefined)?.[SCOPE];
}

/**
 * Attaches `attributes` to the scope of the request `ctx` belongs to (bounded and counted like
 * context attributes; a later attachment wins for a key set twice) and sets them on its SERVER
 * span, where the HTTP instrumentation's own attributes win. Returns whether there was a scope.
 */
export function attachToRequest(ctx: Context, attributes: Attributes): boolean {
  const scope = requestScopeOf(ctx);
  if (scope === undefined) return false;
  const merged = mergeAttributes(scope.attributes, attributes);
  if (merged === undefined) return true;
  scope.attributes = merged;
  if (scope.root.isRecording()) setAbsent(scope.root, merged);
  return true;
}

/**
 * The attributes named in `keys` for work in `ctx`: from its context attributes, else from its
 * request scope (a `withAttributes` inside a handler is more specific than the request's);
 * `undefined` when none is set. For the GenAI metrics' allowlist.
 */
export function pickAttributes(ctx: Context, keys: readonly string[]): Attributes | undefined {
  const own = contextAttributes(ctx);
  const scoped = requestScopeOf(ctx)?.attributes;
  if (own === undefined && scoped === undefined) return undefined;
  let picked: Attributes | undefined;
  for (const key of keys) {
    const value = own?.[key] ?? scoped?.[key];
    if (value !== undefined) (picked ??= {})[key] = value;
  }
  return picked;
}

/** Something attributes can be read from and set on: a span or a log record of the SDK. */
export interface AttributeHolder {
  readonly attributes?: Attributes;
  setAttribute(key: string, value: AttributeValue): unknown;
}

/** Sets each of `attributes` on `holder` unless it has a value for the key already. */
export function setAbsent(holder: AttributeHolder, attributes: Readonly<Attributes>): void {
  const own = holder.attributes;
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined && own?.[key] === undefined) holder.setAttribute(key, value);
  }
}
