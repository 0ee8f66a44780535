/**
 * The parts of `@aws-sdk/client-bedrock-runtime` the instrumentation reads, as structural types:
 * the package is no dependency of sprintlens, and a command may come from another copy of it
 * than the client that sends it, so nothing is checked with `instanceof`.
 */

/** The four operations that are model calls (every other command is left alone). */
export type BedrockOperation =
  'Converse' | 'ConverseStream' | 'InvokeModel' | 'InvokeModelWithResponseStream';

/** `client.send(command, options?, callback?)`. */
export type SendMethod = (this: unknown, ...args: unknown[]) => unknown;

/** What `send` receives as its second argument (the SDK's `HttpHandlerOptions`). */
export interface SendOptions {
  readonly abortSignal?: AbortSignal;
}

/** An endpoint as the SDK's `config.endpoint()` resolves it (`EndpointV1`). */
export interface EndpointV1 {
  readonly hostname?: unknown;
  readonly port?: unknown;
  readonly protocol?: unknown;
}

/**
 * The resolved client configuration (`client.config`) as far as the server address needs it.
 * Every provider is async in the SDK, which is why the server is known only after the first
 * call of a client has started.
 */
export interface BedrockClientConfig {
  readonly isCustomEndpoint?: unknown;
  readonly endpoint?: () => Promise<EndpointV1 | undefined>;
  readonly serviceConfiguredEndpoint?: () => Promise<unknown>;
  readonly region?: () => Promise<unknown>;
  readonly useFipsEndpoint?: () => Promise<unknown>;
  readonly useDualstackEndpoint?: () => Promise<unknown>;
  readonly endpointProvider?: (params: Record<string, unknown>) => { readonly url?: unknown };
}
