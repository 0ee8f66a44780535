/**
 * The parts of Fastify 4 and 5 this instrumentation touches, described structurally: fastify is
 * not a dependency of sprintlens, and the two majors' own types differ. Each is checked at run
 * time before use (see `utils.ts`), so a shape Fastify changes is passed through, not trusted.
 */

/** A callback-style hook's `done`. */
export type HookDone = (error?: Error | null) => void;

/** A Fastify instance, as the `fastify.initialization` channel publishes it. */
export interface FastifyInstanceLike {
  addHook(name: string, hook: (...args: never[]) => unknown): unknown;
}

/** What an `onRoute` hook receives: the route's options, its handler still replaceable. */
export interface RouteOptionsLike {
  url?: unknown;
  handler?: unknown;
}

/** A Fastify request (`FastifyRequest`), the fields read here. */
export interface RequestLike {
  readonly method: string;
  /** `true` when no route matched (the not-found handler runs). */
  readonly is404?: boolean;
  /** The matched route's options (a getter building a fresh object on each read). */
  readonly routeOptions?: { readonly url?: unknown };
}

/** The Node response under a reply (`reply.raw`), the fields read here. */
export interface RawResponseLike {
  readonly closed?: boolean;
  once(event: 'close', listener: () => void): unknown;
}

/** A Fastify reply (`FastifyReply`), the fields read here. */
export interface ReplyLike {
  readonly statusCode: number;
  /** Sent or hijacked (Fastify 4 and 5: hijacked, or the raw response ended). */
  readonly sent: boolean;
  readonly raw: RawResponseLike;
}

/** A route handler as Fastify calls it (`this` is the route's instance). */
export type RouteHandler = (this: unknown, ...args: unknown[]) => unknown;
