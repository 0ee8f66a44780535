import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
} from '@opentelemetry/instrumentation';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { VERSION } from '../../src/base/version';
import { catalogueEntry } from '../../src/config/instrumentation-catalogue';
import { loadPriceBook, reportInternal } from '../genai';
import type { GenAiConfig, PriceBook } from '../genai';
import type { ContentCapture } from '../genai/content';
import { contentCapture } from '../genai/telemetry';
import {
  originalOf,
  unwrapModelClasses,
  withPendingModelRun,
  wrapModelClass,
  wrapRunWithConfig,
  wrapStreamCall,
} from './active-context';
import type { RunContextLookup } from './active-context';
import { GenAiMetrics } from '../genai/metrics';
import { holdLlmUsage, releaseLlmUsage } from '../genai/usage-metrics';
import type { LlmUsage } from '../genai/usage-metrics';
import { HANDLER_NAME, RunSpans } from './run-spans';
import { holdToolCalls, releaseToolCalls } from '../genai/tool-metrics';
import type { ToolCalls } from '../genai/tool-metrics';
import type {
  LcCallbackManager,
  LcCallbackManagerClass,
  LcChatModelsModule,
  LcLlmsModule,
  LcManagerModule,
  LcRunnablesModule,
  LcSingletonsModule,
} from './types';

/**
 * Options of {@link LangChainInstrumentation}: the OpenTelemetry instrumentation options
 * (`enabled`) and the GenAI options: `captureContent`, `contentMaxChars` and `redaction` for the
 * inputs and outputs of runs, tool arguments and results, retrieved documents and the messages of
 * model runs that are the LLM call; `prices`, `pricesFile` and `metrics` for model runs that no
 * provider instrumentation sees.
 */
export interface LangChainInstrumentationConfig extends InstrumentationConfig, GenAiConfig {}

/** The `@langchain/core` versions instrumented. */
export const SUPPORTED_LANGCHAIN_VERSIONS: string[] = [
  ...catalogueEntry('langchain').supportedVersions,
];

/** The files of `@langchain/core` patched, without extension (`.cjs` and `.js` are both hooked). */
export const LANGCHAIN_FILES = {
  manager: 'dist/callbacks/manager',
  singletons: 'dist/singletons/async_local_storage/index',
  chatModels: 'dist/language_models/chat_models',
  llms: 'dist/language_models/llms',
  runnables: 'dist/runnables/base',
} as const;

type Fn = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Spans for LangChain.js and LangGraph runs (`@langchain/core` 1.x), automatically: every
 * callback manager LangChain builds gets one sprintlens handler (inherited by child runs, never
 * added twice), which turns the run tree into spans; and the points where a run's own code
 * executes are wrapped so that its span is the active context there (see active-context.ts).
 * The CommonJS (`.cjs`) and ES-module (`.js`) copies of each file are patched alike.
 */
export class LangChainInstrumentation extends InstrumentationBase<LangChainInstrumentationConfig> {
  /** Declared without initialisers: the base constructor calls `enable()` before they would run. */
  declare private handler: RunSpans | undefined;
  declare private prices: PriceBook | undefined;
  /** Content capture of the current config: `null` when off, `undefined` until first needed. */
  declare private content: ContentCapture | null | undefined;
  declare private wrappedModels: Set<object> | undefined;
  declare private metrics: GenAiMetrics | undefined;
  /** Held from `enable()` to `disable()`, shared with the provider instrumentations. */
  declare private usage: LlmUsage | undefined;
  declare private toolCalls: ToolCalls | undefined;

  constructor(config: LangChainInstrumentationConfig = {}) {
    super('sprintlens-instrumentation-langchain', VERSION, config);
  }

  override setConfig(config: LangChainInstrumentationConfig = {}): void {
    super.setConfig(config);
    this.prices = undefined;
    this.content = undefined;
  }

  protected override _updateMetricInstruments(): void {
    this.metrics = new GenAiMetrics(this.meter);
  }

  override enable(): void {
    super.enable();
    this.usage ??= holdLlmUsage();
    this.toolCalls ??= holdToolCalls();
  }

  override disable(): void {
    super.disable();
    const { usage, toolCalls } = this;
    this.usage = undefined;
    this.toolCalls = undefined;
    if (usage !== undefined) releaseLlmUsage(usage);
    if (toolCalls !== undefined) releaseToolCalls(toolCalls);
  }

  /** The process's handler of this instrumentation (made on first use). */
  runSpans(): RunSpans {
    return (this.handler ??= new RunSpans({
      tracer: () => this.tracer,
      prices: () => (this.prices ??= loadPriceBook(this._config)),
      genAiMetrics: () => (this._config.metrics === false ? undefined : this.metrics),
      usage: () => this.usage,
      toolCalls: () => this.toolCalls,
      content: () => {
        if (this.content === undefined) {
          this.content =
            this._config.captureContent === true ? (contentCapture(this._config) ?? null) : null;
        }
        return this.content ?? undefined;
      },
    }));
  }

  protected override init(): InstrumentationNodeModuleDefinition[] {
    const file = (path: string, patch: (exports: unknown) => void, unpatch: (e: unknown) => void) =>
      ['cjs', 'js'].map(
        (ext) =>
          new InstrumentationNodeModuleFile(
            `@langchain/core/${path}.${ext}`,
            SUPPORTED_LANGCHAIN_VERSIONS,
            (exports: unknown) => {
              this.guard(`patching ${path}`, () => patch(exports));
              return exports;
            },
            (exports: unknown) => {
              this.guard(`unpatching ${path}`, () => unpatch(exports));
              return exports;
            },
          ),
      );
    return [
      new InstrumentationNodeModuleDefinition(
        '@langchain/core',
        SUPPORTED_LANGCHAIN_VERSIONS,
        undefined,
        undefined,
        [
          ...file(
            LANGCHAIN_FILES.manager,
            (e) => this.patchManager(e),
            (e) => this.unpatchManager(e),
          ),
          ...file(
            LANGCHAIN_FILES.singletons,
            (e) => this.patchSingletons(e),
            (e) => this.unpatchSingletons(e),
          ),
          ...file(
            LANGCHAIN_FILES.chatModels,
            (e) => this.patchChatModels(e),
            (e) => this.unpatchChatModels(e),
          ),
          ...file(
            LANGCHAIN_FILES.llms,
            (e) => this.patchLlms(e),
            (e) => this.unpatchLlms(e),
          ),
          ...file(
            LANGCHAIN_FILES.runnables,
            (e) => this.patchRunnables(e),
            (e) => this.unpatchRunnables(e),
          ),
        ],
      ),
    ];
  }

  /** Adds our handler to every manager `CallbackManager._configureSync` builds. */
  patchManager(exports: unknown): void {
    const Manager = (exports as LcManagerModule | undefined)?.CallbackManager;
    if (typeof Manager?._configureSync !== 'function') return;
    if (originalOf(Manager._configureSync) !== undefined) return;
    const original = Manager._configureSync as Fn;
    const handler = (): RunSpans => this.runSpans();
    const configureSync = function _configureSync(this: unknown, ...args: unknown[]): unknown {
      const built = original.apply(this, args) as LcCallbackManager | undefined;
      if (built === undefined && args[0] == null && args[1] == null) {
        // Nothing configured: the manager LangChain would build with ours as its only handler,
        // made directly (LangChain configures on every streamed chunk, in `runWithConfig`,
        // where configuring a second time, with a handler, doubled the cost of a chunk).
        const made = managerWithOurs(Manager, args, handler);
        if (made !== undefined) return made;
      }
      return withHandler(Manager, built, handler);
    };
    Object.defineProperty(configureSync, Symbol.for('sprintlens.langchain.wrapped'), {
      value: original,
    });
    Manager._configureSync = configureSync as LcCallbackManagerClass['_configureSync'];
  }

  unpatchManager(exports: unknown): void {
    const Manager = (exports as LcManagerModule | undefined)?.CallbackManager;
    const original = originalOf(Manager?._configureSync);
    if (Manager !== undefined && original !== undefined) {
      Manager._configureSync = original as LcCallbackManagerClass['_configureSync'];
    }
  }

  /** Runs each runnable body (`runWithConfig`) with its run's span active. */
  patchSingletons(exports: unknown): void {
    const provider = (exports as LcSingletonsModule | undefined)
      ?.AsyncLocalStorageProviderSingleton;
    if (typeof provider?.runWithConfig !== 'function' || originalOf(provider.runWithConfig)) return;
    provider.runWithConfig = wrapRunWithConfig(
      provider.runWithConfig as Fn,
      this.lookup(),
    ) as typeof provider.runWithConfig;
  }

  unpatchSingletons(exports: unknown): void {
    const provider = (exports as LcSingletonsModule | undefined)
      ?.AsyncLocalStorageProviderSingleton;
    const original = originalOf(provider?.runWithConfig);
    if (provider !== undefined && original !== undefined) {
      provider.runWithConfig = original as typeof provider.runWithConfig;
    }
  }

  /** `Runnable.prototype.stream`: a stream the app stops reading early still ends its runs. */
  patchRunnables(exports: unknown): void {
    const proto = (exports as LcRunnablesModule | undefined)?.Runnable?.prototype as
      Record<string, unknown> | undefined;
    const original = proto?.stream;
    if (proto === undefined || typeof original !== 'function' || originalOf(original)) return;
    proto.stream = wrapStreamCall(original as Fn, (rootRunId) =>
      this.handler?.abandonStream(rootRunId),
    );
  }

  unpatchRunnables(exports: unknown): void {
    const proto = (exports as LcRunnablesModule | undefined)?.Runnable?.prototype as
      Record<string, unknown> | undefined;
    const original = originalOf(proto?.stream);
    if (proto !== undefined && original !== undefined) proto.stream = original;
  }

  /** Wraps each chat model class's model methods on its first call. */
  patchChatModels(exports: unknown): void {
    this.patchModelEntries(
      (exports as LcChatModelsModule | undefined)?.BaseChatModel?.prototype as
        Record<string, unknown> | undefined,
    );
  }

  unpatchChatModels(exports: unknown): void {
    this.unpatchModelEntries(
      (exports as LcChatModelsModule | undefined)?.BaseChatModel?.prototype as
        Record<string, unknown> | undefined,
    );
  }

  /** Text-completion models (`BaseLLM`): the same, for `_generate`/`_streamResponseChunks`. */
  patchLlms(exports: unknown): void {
    this.patchModelEntries(
      (exports as LcLlmsModule | undefined)?.BaseLLM?.prototype as
        Record<string, unknown> | undefined,
    );
  }

  unpatchLlms(exports: unknown): void {
    this.unpatchModelEntries(
      (exports as LcLlmsModule | undefined)?.BaseLLM?.prototype as
        Record<string, unknown> | undefined,
    );
  }

  /**
   * Wraps a base model class's call entries (`_generateUncached`, `_streamIterator`): each wraps
   * the instance's model classes on first use and runs with a slot for its model run.
   */
  private patchModelEntries(proto: Record<string, unknown> | undefined): void {
    if (proto === undefined) return;
    const lookup = this.lookup();
    const wrapped = (this.wrappedModels ??= new Set());
    for (const name of ['_generateUncached', '_streamIterator']) {
      const original = proto[name];
      if (typeof original !== 'function' || originalOf(original) !== undefined) continue;
      const entry = function (this: unknown, ...args: unknown[]): unknown {
        try {
          wrapModelClass(this, lookup, wrapped);
        } catch (error) {
          reportInternal('langchain model class', error);
        }
        // `_streamIterator` is a generator whose body runs at each `next()`, outside this call:
        // it passes its run manager on, so only `_generateUncached` needs the slot.
        const call = () => (original as Fn).apply(this, args);
        return name === '_generateUncached' ? withPendingModelRun(call) : call();
      };
      Object.defineProperty(entry, Symbol.for('sprintlens.langchain.wrapped'), { value: original });
      proto[name] = entry;
    }
  }

  private unpatchModelEntries(proto: Record<string, unknown> | undefined): void {
    if (proto === undefined) return;
    for (const name of ['_generateUncached', '_streamIterator']) {
      const original = originalOf(proto[name]);
      if (original !== undefined) proto[name] = original;
    }
    if (this.wrappedModels !== undefined) unwrapModelClasses(this.wrappedModels);
  }

  private lookup(): RunContextLookup {
    return (runId) => this.handler?.contextOf(runId);
  }

  private guard(where: string, body: () => void): void {
    try {
      body();
    } catch (error) {
      reportInternal(`langchain: ${where}`, error);
    }
  }
}

/**
 * `manager` with our handler, inheritable, unless it (or another sprintlens handler) is there
 * already, e.g. inherited from the parent run or passed by the user. LangChain returns no manager
 * when no handler is configured; one is then made so the run is still traced.
 */
function withHandler(
  Manager: LcCallbackManagerClass,
  built: LcCallbackManager | undefined,
  handler: () => RunSpans,
): LcCallbackManager | undefined {
  try {
    if (built !== undefined && built.handlers.some((h) => isOurs(h))) return built;
    const manager = built ?? new Manager();
    manager.addHandler(handler(), true);
    return manager;
  } catch (error) {
    reportInternal('langchain callback manager', error);
    return built;
  }
}

/**
 * What `_configureSync(inheritableHandlers, localHandlers, inheritableTags, localTags,
 * inheritableMetadata, localMetadata)` builds when given our handler as the only inheritable one
 * and nothing is configured otherwise: the run's tags and metadata (`ls_provider`,
 * `ls_model_name`, LangGraph's node) applied as LangChain applies them. Undefined if that fails.
 */
function managerWithOurs(
  Manager: LcCallbackManagerClass,
  args: unknown[],
  handler: () => RunSpans,
): LcCallbackManager | undefined {
  try {
    const manager = new Manager();
    manager.addHandler(handler(), true);
    const [, , inheritableTags, localTags, inheritableMetadata, localMetadata] = args as [
      unknown,
      unknown,
      string[] | undefined,
      string[] | undefined,
      Record<string, unknown> | undefined,
      Record<string, unknown> | undefined,
    ];
    if (inheritableTags || localTags) {
      manager.addTags(inheritableTags ?? []);
      manager.addTags(localTags ?? [], false);
    }
    if (inheritableMetadata || localMetadata) {
      manager.addMetadata(inheritableMetadata ?? {});
      manager.addMetadata(localMetadata ?? {}, false);
    }
    return manager;
  } catch (error) {
    reportInternal('langchain callback manager', error);
    return undefined;
  }
}

function isOurs(handler: unknown): boolean {
  return (handler as { name?: unknown } | null)?.name === HANDLER_NAME;
}
