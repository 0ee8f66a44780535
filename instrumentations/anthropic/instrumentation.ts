import { InstrumentationBase } from '@opentelemetry/instrumentation';
import type {
  InstrumentationConfig,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import { debug } from '../../src/diag';
import { VERSION } from '../../src/version';
import { GenAiMetrics, reportInternal, wrapAsResponse } from '../genai';
import type { GenAiConfig, GenAiTelemetry } from '../genai';
import { ConfiguredTelemetry } from '../genai/configured-telemetry';
import { sdkModuleDefinitions } from '../genai/module-definitions';
import { asResponseToUnwrap, asResponseToWrap, isWrapped } from '../genai/patching';
import { wrapCreate, wrapStream } from './wrap';
import type { WrapSettings } from './wrap';

/** Options of {@link AnthropicInstrumentation}. */
export type AnthropicInstrumentationConfig = InstrumentationConfig & GenAiConfig;

/** The `@anthropic-ai/sdk` versions whose `Messages` resource we know. */
export const SUPPORTED_ANTHROPIC_VERSIONS = ['>=0.60.0 <2'];

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
export class AnthropicInstrumentation extends InstrumentationBase<AnthropicInstrumentationConfig> {
  private metrics: GenAiMetrics | undefined;
  private configured = new ConfiguredTelemetry();
  private readonly settings: WrapSettings;

  constructor(config: AnthropicInstrumentationConfig = {}) {
    super('sprintlens-instrumentation-anthropic', VERSION, config);
    this.settings = { telemetry: () => this.telemetry() };
  }

  protected override init(): InstrumentationNodeModuleDefinition[] {
    return sdkModuleDefinitions({
      name: '@anthropic-ai/sdk',
      supportedRanges: SUPPORTED_ANTHROPIC_VERSIONS,
      unsupportedRanges: ['<0.60.0 || >=2'],
      patch: (exports) => this.patch(exports),
      unpatch: (exports) => this.unpatch(exports),
    });
  }

  protected override _updateMetricInstruments(): void {
    this.metrics = new GenAiMetrics(this.meter);
  }

  override setConfig(config: AnthropicInstrumentationConfig = {}): void {
    super.setConfig(config);
    // The base constructor calls this before our fields are initialised: assign, do not mutate.
    this.configured = new ConfiguredTelemetry();
  }

  /** Tracer, metrics, prices and content capture as currently configured. */
  private telemetry(): GenAiTelemetry {
    return this.configured.build(this._config, this.tracer, this.metrics);
  }

  private root(exports: unknown): Record<string, unknown> {
    const root = (exports as { Anthropic?: unknown; default?: unknown } | null) ?? {};
    return (root.Anthropic ?? root.default ?? root) as Record<string, unknown>;
  }

  private messagesPrototype(exports: unknown): MessagesPrototype | undefined {
    const Messages = this.root(exports).Messages;
    return typeof Messages === 'function' ? (Messages.prototype as MessagesPrototype) : undefined;
  }

  private patch(exports: unknown): void {
    try {
      const apiPromise = asResponseToWrap(exports);
      if (apiPromise !== undefined) {
        this._wrap(apiPromise, 'asResponse', wrapAsResponse as (original: unknown) => unknown);
      }
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
    } catch (error) {
      reportInternal('patching @anthropic-ai/sdk', error);
    }
  }

  private unpatch(exports: unknown): void {
    try {
      const apiPromise = asResponseToUnwrap(exports);
      if (apiPromise !== undefined) this._unwrap(apiPromise, 'asResponse');
      const messages = this.messagesPrototype(exports);
      if (messages === undefined) return;
      if (isWrapped(messages.create)) this._unwrap(messages, 'create');
      if (isWrapped(messages.stream)) this._unwrap(messages, 'stream');
    } catch (error) {
      reportInternal('unpatching @anthropic-ai/sdk', error);
    }
  }
}
