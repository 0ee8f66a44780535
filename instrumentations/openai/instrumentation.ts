import type {
  InstrumentationConfig,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import { debug } from '../../src/base/diag';
import { VERSION } from '../../src/base/version';
import { catalogueEntry } from '../../src/config/instrumentation-catalogue';
import type { GenAiConfig } from '../genai';
import type { LlmAdapter } from '../genai/adapter';
import { GenAiInstrumentationBase } from '../genai/instrumentation-base';
import { sdkRoot } from '../genai/patching';
import { chatAdapter, completionsAdapter } from './chat';
import { EMBEDDINGS } from './embeddings';
import { RESPONSES } from './responses';

/**
 * Options of {@link OpenAIInstrumentation}: the OpenTelemetry instrumentation options
 * (`enabled`), the options every sprintlens LLM instrumentation takes (`captureContent`,
 * `contentMaxChars`, `redaction`, `prices`, `pricesFile`, `metrics`), and `includeStreamUsage`.
 */
export interface OpenAIInstrumentationConfig extends InstrumentationConfig, GenAiConfig {
  /**
   * Add `stream_options: { include_usage: true }` to streamed chat/completions requests that
   * do not set it, so streamed calls report tokens and cost. The request is copied (the
   * caller's object is not modified) and the extra usage-only chunk is hidden from the caller.
   * A request that sets `include_usage` itself is sent as it is. Default `true`.
   */
  includeStreamUsage?: boolean;
}

/** The `openai` majors whose resource classes we know. */
export const SUPPORTED_OPENAI_VERSIONS: string[] = [...catalogueEntry('openai').supportedVersions];

/** A resource class whose `create` is instrumented, and the adapter of that method. */
interface Target {
  readonly prototype: object;
  readonly adapter: LlmAdapter;
}

/**
 * Spans, metrics and cost for `openai` 5.x–7.x (`OpenAI` and `AzureOpenAI`): chat completions
 * (plain, streamed, and the `stream()`/`runTools()`/`parse()` helpers, which call `create`),
 * the Responses API (`create`, streamed, `stream()`), embeddings and legacy completions.
 *
 * The resource classes' `create` methods are wrapped with the LLM call pipeline on their
 * prototypes, reached through the static namespaces the package exports
 * (`OpenAI.Chat.Completions`, `OpenAI.Responses`, …), so CommonJS and ES-module copies are both
 * patched from the package's main entry. What is OpenAI's own (reading requests, results and
 * chunks) is in the adapters: chat.ts, responses.ts, embeddings.ts.
 */
export class OpenAIInstrumentation extends GenAiInstrumentationBase<OpenAIInstrumentationConfig> {
  private readonly adapters: {
    readonly chat: LlmAdapter;
    readonly responses: LlmAdapter;
    readonly embeddings: LlmAdapter;
    readonly completions: LlmAdapter;
  };

  constructor(config: OpenAIInstrumentationConfig = {}) {
    super('sprintlens-instrumentation-openai', VERSION, config);
    const settings = { includeStreamUsage: () => this._config.includeStreamUsage !== false };
    this.adapters = {
      chat: chatAdapter(settings),
      responses: RESPONSES,
      embeddings: EMBEDDINGS,
      completions: completionsAdapter(settings),
    };
  }

  protected override init(): InstrumentationNodeModuleDefinition[] {
    return this.sdkDefinitions({
      name: 'openai',
      supportedRanges: SUPPORTED_OPENAI_VERSIONS,
      unsupportedRanges: ['<5.0.0 || >=8'],
    });
  }

  private targets(exports: unknown): Record<string, Target | undefined> {
    const OpenAI = sdkRoot(exports, 'OpenAI');
    const Chat = OpenAI.Chat as Record<string, unknown> | undefined;
    const target = (value: unknown, adapter: LlmAdapter): Target | undefined =>
      typeof value === 'function' ? { prototype: value.prototype as object, adapter } : undefined;
    const { chat, responses, embeddings, completions } = this.adapters;
    return {
      chat: target(Chat?.Completions, chat),
      responses: target(OpenAI.Responses, responses),
      embeddings: target(OpenAI.Embeddings, embeddings),
      completions: target(OpenAI.Completions, completions),
    };
  }

  protected override patchSdk(exports: unknown): void {
    for (const [name, target] of Object.entries(this.targets(exports))) {
      if (
        target === undefined ||
        typeof (target.prototype as { create?: unknown }).create !== 'function'
      ) {
        debug(`openai: ${name}.create not found; not instrumented`);
        continue;
      }
      this.wrapLlm(target.prototype, 'create', target.adapter);
    }
  }

  protected override unpatchSdk(exports: unknown): void {
    for (const target of Object.values(this.targets(exports))) {
      if (target !== undefined) this.unwrap(target.prototype, 'create');
    }
  }
}
