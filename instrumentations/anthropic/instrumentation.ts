import type {
  InstrumentationConfig,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import { debug } from '../../src/base/diag';
import { VERSION } from '../../src/base/version';
import { catalogueEntry } from '../../src/config/instrumentation-catalogue';
import type { GenAiConfig } from '../genai';
import { GenAiInstrumentationBase } from '../genai/instrumentation-base';
import { isWrapped, sdkRoot } from '../genai/patching';
import { MESSAGES } from './messages';
import { wrapWithoutSdkSpan } from './sdk-tracing';

/**
 * Options of {@link AnthropicInstrumentation}: the OpenTelemetry instrumentation options
 * (`enabled`) and the options every sprintlens LLM instrumentation takes (`captureContent`,
 * `contentMaxChars`, `redaction`, `prices`, `pricesFile`, `metrics`). Anthropic streams always
 * report usage, so there is no `includeStreamUsage`.
 */
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
 * `Messages.prototype.create` is wrapped with the LLM call pipeline and the {@link MESSAGES}
 * adapter; `Messages.prototype` is reached through the static `Anthropic.Messages` the package's
 * main entry exports, so CommonJS and ES-module copies are both patched.
 */
export class AnthropicInstrumentation extends GenAiInstrumentationBase<AnthropicInstrumentationConfig> {
  constructor(config: AnthropicInstrumentationConfig = {}) {
    super('sprintlens-instrumentation-anthropic', VERSION, config);
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
    this.wrapLlm(messages, 'create', MESSAGES);
    if (typeof messages.stream === 'function' && !isWrapped(messages.stream)) {
      this._wrap(
        messages,
        'stream',
        wrapWithoutSdkSpan as (original: Method | undefined) => Method,
      );
    }
  }

  protected override unpatchSdk(exports: unknown): void {
    const messages = this.messagesPrototype(exports);
    if (messages === undefined) return;
    this.unwrap(messages, 'create');
    this.unwrap(messages, 'stream');
  }
}
