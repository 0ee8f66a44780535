/**
 * The few shapes of `@langchain/core` this instrumentation reads, written structurally: the
 * package is never imported (the app's copies, CommonJS and ES module, are patched as found).
 */

/** A serialised runnable, model, tool or retriever as callbacks receive it. */
export interface LcSerialized {
  readonly id?: readonly string[];
  readonly name?: string;
  readonly kwargs?: Readonly<Record<string, unknown>>;
}

/** The part of a `CallbackManager` we use. */
export interface LcCallbackManager {
  handlers: unknown[];
  inheritableHandlers?: unknown[];
  addHandler(handler: unknown, inherit?: boolean): void;
  addTags(tags: string[], inherit?: boolean): void;
  addMetadata(metadata: Record<string, unknown>, inherit?: boolean): void;
  getParentRunId?(): string | undefined;
}

/** The `CallbackManager` class: its static `_configureSync` builds every run's manager. */
export interface LcCallbackManagerClass {
  new (): LcCallbackManager;
  _configureSync(...args: unknown[]): LcCallbackManager | undefined;
}

/** Exports of `@langchain/core/callbacks/manager`. */
export interface LcManagerModule {
  readonly CallbackManager?: LcCallbackManagerClass;
}

/** `AsyncLocalStorageProviderSingleton`: `runWithConfig` runs a runnable's body. */
export interface LcAsyncLocalStorageProvider {
  runWithConfig(
    config: unknown,
    callback: () => unknown,
    avoidCreatingRootRunTree?: boolean,
  ): unknown;
}

/** Exports of `@langchain/core/singletons` (async_local_storage/index). */
export interface LcSingletonsModule {
  readonly AsyncLocalStorageProviderSingleton?: LcAsyncLocalStorageProvider;
}

/** Exports of `@langchain/core/runnables` (runnables/base): `Runnable.prototype.stream`. */
export interface LcRunnablesModule {
  readonly Runnable?: { readonly prototype: object };
}

/** Exports of `@langchain/core/language_models/chat_models`. */
export interface LcChatModelsModule {
  readonly BaseChatModel?: { readonly prototype: object };
}

/** Exports of `@langchain/core/language_models/llms`. */
export interface LcLlmsModule {
  readonly BaseLLM?: { readonly prototype: object };
}

/** Token usage LangChain puts on an `AIMessage` (`usage_metadata`). */
export interface LcUsageMetadata {
  readonly input_tokens?: number;
  readonly output_tokens?: number;
  readonly input_token_details?: { readonly cache_read?: number; readonly cache_creation?: number };
  readonly output_token_details?: { readonly reasoning?: number };
}

/** The part of an `LLMResult` we read. */
export interface LcLlmResult {
  readonly generations?: readonly (readonly { readonly message?: unknown }[])[];
  readonly llmOutput?: Readonly<Record<string, unknown>>;
}
