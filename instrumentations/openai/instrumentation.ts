import type {
  InstrumentationConfig,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import { debug } from '../../src/base/diag';
import { VERSION } from '../../src/base/version';
import type { GenAiConfig } from '../genai';
import { GenAiInstrumentationBase } from '../genai/instrumentation-base';
import { isWrapped, sdkRoot } from '../genai/patching';
import { CHAT, EMBEDDINGS, RESPONSES, TEXT_COMPLETION } from './operations';
import type { OperationSpec } from './operations';
import { wrapCreate } from './wrap-create';
import type { WrapSettings } from './wrap-create';
import { catalogueEntry } from '../../src/config/instrumentation-catalogue';

/** Options of {@link OpenAIInstrumentation}. */
export interface OpenAIInstrumentationConfig extends InstrumentationConfig, GenAiConfig {
  /**
   * Add `stream_options: { include_usage: true }` to streamed chat/completions requests that
   * do not set it, so streamed calls report tokens and cost. The extra usage-only chunk is
   * hidden from the caller. Default `true`.
   */
  includeStreamUsage?: boolean;
}

/** The `openai` majors whose resource classes we know. */
export const SUPPORTED_OPENAI_VERSIONS: string[] = [...catalogueEntry('openai').supportedVersions];

type Method = (this: unknown, body: unknown, options?: unknown) => unknown;
type Prototype = { create?: Method };
interface Targets {
  readonly [name: string]:
    { readonly prototype: Prototype; readonly spec: OperationSpec } | undefined;
}

/**
 * Spans, metrics and cost for `openai` 5.x–7.x (`OpenAI` and `AzureOpenAI`): chat completions
 * (plain, streamed, and the `stream()`/`runTools()`/`parse()` helpers, which call `create`),
 * the Responses API (`create`, streamed, `stream()`), embeddings and legacy completions.
 *
 * The resource classes' `create` methods are wrapped on their prototypes, reached through the
 * static namespaces the package exports (`OpenAI.Chat.Completions`, `OpenAI.Responses`, …), so
 * CommonJS and ES-module copies are both patched from the package's main entry.
 */
export class OpenAIInstrumentation extends GenAiInstrumentationBase<OpenAIInstrumentationConfig> {
  private readonly settings: WrapSettings;

  constructor(config: OpenAIInstrumentationConfig = {}) {
    super('sprintlens-instrumentation-openai', VERSION, config);
    this.settings = {
      telemetry: () => this.telemetry(),
      includeStreamUsage: () => this._config.includeStreamUsage !== false,
    };
  }

  protected override init(): InstrumentationNodeModuleDefinition[] {
    return this.sdkDefinitions({
      name: 'openai',
      supportedRanges: SUPPORTED_OPENAI_VERSIONS,
      unsupportedRanges: ['<5.0.0 || >=8'],
    });
  }

  private targets(exports: unknown): Targets {
    const OpenAI = sdkRoot(exports, 'OpenAI');
    const Chat = OpenAI.Chat as Record<string, unknown> | undefined;
    const proto = (value: unknown): Prototype | undefined =>
      typeof value === 'function' ? (value.prototype as Prototype) : undefined;
    const entry = (value: unknown, spec: OperationSpec) => {
      const prototype = proto(value);
      return prototype === undefined ? undefined : { prototype, spec };
    };
    return {
      chat: entry(Chat?.Completions, CHAT),
      responses: entry(OpenAI.Responses, RESPONSES),
      embeddings: entry(OpenAI.Embeddings, EMBEDDINGS),
      completions: entry(OpenAI.Completions, TEXT_COMPLETION),
    };
  }

  protected override patchSdk(exports: unknown): void {
    for (const [name, target] of Object.entries(this.targets(exports))) {
      if (target === undefined || typeof target.prototype.create !== 'function') {
        debug(`openai: ${name}.create not found; not instrumented`);
        continue;
      }
      if (isWrapped(target.prototype.create)) continue;
      this._wrap(
        target.prototype,
        'create',
        wrapCreate(target.spec, this.settings) as (original: Method | undefined) => Method,
      );
    }
  }

  protected override unpatchSdk(exports: unknown): void {
    for (const target of Object.values(this.targets(exports))) {
      if (target !== undefined && isWrapped(target.prototype.create)) {
        this._unwrap(target.prototype, 'create');
      }
    }
  }
}
