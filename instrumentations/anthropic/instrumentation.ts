import type {
  InstrumentationConfig,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import { debug } from '../../src/base/diag';
import { VERSION } from '../../src/base/version';
import type { GenAiConfig } from '../genai';
import { GenAiInstrumentationBase } from '../genai/instrumentation-base';
import { isWrapped, sdkRoot } from '../genai/patching';
import { wrapCreate, wrapStream } from './wrap';
import type { WrapSettings } from './wrap';
import { catalogueEntry } from '../../src/config/instrumentation-catalogue';

/** Options of {@link AnthropicInstrumentation}. */
export type AnthropicInstrumentationConfig = InstrumentationConfig & GenAiConfig;

/** The `@anthropic-ai/sdk` versions whose `Messages` resource we know. */
export const SUPPORTED_ANTHROPIC_VERSIONS: string[] = [
  ...catalogueEntry('anthropic').supportedVersions,
];

type Method = (this: unknown, ...args: unknown[]) => unknown;
interface MessagesPrototype {
  create?: Method;
  stream?: Method;
}

/**
 * Spans, metrics and cost for `@anthropic-ai/sdk` 0.60–1.x: `messages.create` (plain and
 * `stream: true`) and `messages.stream()` (which sends its request through `create`). One call
 * gives one span: on versions that trace themselves (0.134+), the SDK's own span for these calls
 * is suppressed in favour of ours (see docs/llm.md, "Anthropic").
 *
 * `Messages.prototype` is reached through the static `Anthropic.Messages` the package's main
 * entry exports, so CommonJS and ES-module copies are both patched.
 */
export class AnthropicInstrumentation extends GenAiInstrumentationBase<AnthropicInstrumentationConfig> {
  private readonly settings: WrapSettings;

  constructor(config: AnthropicInstrumentationConfig = {}) {
    super('sprintlens-instrumentation-anthropic', VERSION, config);
    this.settings = { telemetry: () => this.telemetry() };
  }

  protected override init(): InstrumentationNodeModuleDefinition[] {
    return this.sdkDefinitions({
      name: '@anthropic-ai/sdk',
      supportedRanges: SUPPORTED_ANTHROPIC_VERSIONS,
      unsupportedRanges: ['<0.60.0 || >=2'],
    });
  }

  private messagesPrototype(exports: unknown): MessagesPrototype | undefined {
    const Messages = sdkRoot(exports, 'Anthropic').Messages;
    return typeof Messages === 'function' ? (Messages.prototype as MessagesPrototype) : undefined;
  }

  protected override patchSdk(exports: unknown): void {
    const messages = this.messagesPrototype(exports);
    if (messages === undefined || typeof messages.create !== 'function') {
      debug('@anthropic-ai/sdk: Messages.create not found; not instrumented');
      return;
    }
    if (!isWrapped(messages.create)) {
      this._wrap(
        messages,
        'create',
        wrapCreate(this.settings) as (original: Method | undefined) => Method,
      );
    }
    if (typeof messages.stream === 'function' && !isWrapped(messages.stream)) {
      this._wrap(messages, 'stream', wrapStream() as (original: Method | undefined) => Method);
    }
  }

  protected override unpatchSdk(exports: unknown): void {
    const messages = this.messagesPrototype(exports);
    if (messages === undefined) return;
    if (isWrapped(messages.create)) this._unwrap(messages, 'create');
    if (isWrapped(messages.stream)) this._unwrap(messages, 'stream');
  }
}
