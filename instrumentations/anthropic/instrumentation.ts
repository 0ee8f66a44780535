import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { debug } from '../../src/diag';
import { VERSION } from '../../src/version';
import {
  ContentCapture,
  GenAiMetrics,
  loadPriceBook,
  reportInternal,
  wrapAsResponse,
} from '../genai';
import type { GenAiConfig, GenAiTelemetry, PriceBook } from '../genai';
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
  private prices: PriceBook | undefined;
  private content: ContentCapture | undefined;
  private contentKey: unknown;
  private readonly settings: WrapSettings;

  constructor(config: AnthropicInstrumentationConfig = {}) {
    super('sprintlens-instrumentation-anthropic', VERSION, config);
    this.settings = { telemetry: () => this.telemetry() };
  }

  protected override init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        '@anthropic-ai/sdk',
        SUPPORTED_ANTHROPIC_VERSIONS,
        (exports: unknown) => {
          this.patch(exports);
          return exports;
        },
        (exports: unknown) => {
          this.unpatch(exports);
          return exports;
        },
      ),
      // Any other version: leave it alone, and say so at debug level.
      new InstrumentationNodeModuleDefinition(
        '@anthropic-ai/sdk',
        ['<0.60.0 || >=2'],
        (exports: unknown, version?: string) => {
          debug(
            `@anthropic-ai/sdk ${version ?? '(unknown version)'} is not supported; not instrumented`,
            { supported: SUPPORTED_ANTHROPIC_VERSIONS.join(' ') },
          );
          return exports;
        },
      ),
    ];
  }

  protected override _updateMetricInstruments(): void {
    this.metrics = new GenAiMetrics(this.meter);
  }

  override setConfig(config: AnthropicInstrumentationConfig = {}): void {
    super.setConfig(config);
    this.prices = undefined;
    this.content = undefined;
  }

  /** Tracer, metrics, prices and content capture as currently configured. */
  private telemetry(): GenAiTelemetry {
    const config = this._config;
    this.prices ??= loadPriceBook(config);
    let content: ContentCapture | undefined;
    if (config.captureContent === true) {
      if (this.content === undefined || this.contentKey !== config) {
        this.content = new ContentCapture({
          maxChars: config.contentMaxChars,
          redaction: config.redaction,
        });
        this.contentKey = config;
      }
      content = this.content;
    }
    return {
      tracer: this.tracer,
      metrics: config.metrics === false ? undefined : this.metrics,
      prices: this.prices,
      content,
    };
  }

  private root(exports: unknown): Record<string, unknown> {
    const root = (exports as { Anthropic?: unknown; default?: unknown } | null) ?? {};
    return (root.Anthropic ?? root.default ?? root) as Record<string, unknown>;
  }

  private messagesPrototype(exports: unknown): MessagesPrototype | undefined {
    const Messages = this.root(exports).Messages;
    return typeof Messages === 'function' ? (Messages.prototype as MessagesPrototype) : undefined;
  }

  /** `APIPromise.prototype`, exported by the package's main entry in every supported version. */
  private apiPromisePrototype(exports: unknown): { asResponse?: unknown } | undefined {
    const root =
      (exports as { APIPromise?: unknown; default?: { APIPromise?: unknown } } | null) ?? {};
    const ctor = root.APIPromise ?? root.default?.APIPromise;
    return typeof ctor === 'function' ? (ctor.prototype as { asResponse?: unknown }) : undefined;
  }

  private patch(exports: unknown): void {
    try {
      const apiPromise = this.apiPromisePrototype(exports);
      if (
        apiPromise !== undefined &&
        typeof apiPromise.asResponse === 'function' &&
        !isWrapped(apiPromise.asResponse)
      ) {
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
      const apiPromise = this.apiPromisePrototype(exports);
      if (apiPromise !== undefined && isWrapped(apiPromise.asResponse)) {
        this._unwrap(apiPromise, 'asResponse');
      }
      const messages = this.messagesPrototype(exports);
      if (messages === undefined) return;
      if (isWrapped(messages.create)) this._unwrap(messages, 'create');
      if (isWrapped(messages.stream)) this._unwrap(messages, 'stream');
    } catch (error) {
      reportInternal('unpatching @anthropic-ai/sdk', error);
    }
  }
}

function isWrapped(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as { __wrapped?: unknown }).__wrapped === true;
}
