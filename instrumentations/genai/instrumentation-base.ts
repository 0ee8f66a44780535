import { InstrumentationBase } from '@opentelemetry/instrumentation';
import type {
  InstrumentationConfig,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import type { LlmAdapter } from './adapter';
import type { GenAiConfig } from './config';
import { GenAiMetrics } from './metrics';
import { sdkModuleDefinitions } from './module-definitions';
import type { SdkPackage } from './module-definitions';
import { asResponseToUnwrap, asResponseToWrap, isWrapped } from './patching';
import { wrapLlmMethod } from './pipeline';
import type { LlmMethod } from './pipeline';
import { reportInternal } from './safe';
import { wrapAsResponse } from './stainless-promise';
import { ConfiguredTelemetry } from './telemetry';
import type { GenAiTelemetry } from './telemetry';
import { holdLlmUsage, releaseLlmUsage } from './usage-metrics';
import type { LlmUsage } from './usage-metrics';

/**
 * What every LLM SDK instrumentation shares: the GenAI metrics instruments, the telemetry of the
 * current config, the usage ledger held while enabled, wrapping SDK methods with the call
 * pipeline ({@link wrapLlm}), and patching a Stainless SDK's `APIPromise.prototype.asResponse`
 * next to its own methods. A provider instrumentation says which methods to wrap with which
 * adapter; the pipeline does the rest.
 */
export abstract class GenAiInstrumentationBase<
  Config extends InstrumentationConfig & GenAiConfig,
> extends InstrumentationBase<Config> {
  /**
   * Declared without an initialiser: the base constructor makes the instruments (through
   * `_updateMetricInstruments`) before this class's field initialisers would run and reset them.
   */
  declare private metrics: GenAiMetrics | undefined;
  /** Made on first use after each `setConfig`. */
  private configured: ConfiguredTelemetry | undefined;
  /**
   * The usage ledger, held from `enable()` to `disable()`. Declared without an initialiser: the
   * base constructor calls `enable()` before this class's field initialisers would run (and an
   * initialiser would then forget the ledger just held).
   */
  declare private usage: LlmUsage | undefined;

  protected override _updateMetricInstruments(): void {
    this.metrics = new GenAiMetrics(this.meter);
  }

  override setConfig(config: Config = {} as Config): void {
    super.setConfig(config);
    // The base constructor calls this before our fields are initialised: assign, do not mutate.
    this.configured = undefined;
  }

  /** Patches the SDK (when it is loaded) and holds the usage ledger its calls count into. */
  override enable(): void {
    super.enable();
    this.usage ??= holdLlmUsage();
  }

  /** Unpatches the SDK and gives the usage ledger back (its counts stay in the metrics). */
  override disable(): void {
    super.disable();
    const usage = this.usage;
    this.usage = undefined;
    if (usage !== undefined) releaseLlmUsage(usage);
  }

  /** Tracer, metrics, prices, content capture and usage ledger as currently configured. */
  protected telemetry(): GenAiTelemetry {
    return (this.configured ??= new ConfiguredTelemetry(this._config)).telemetry(
      this.tracer,
      this.metrics,
      this.usage,
    );
  }

  /** The module definitions for `sdk`: {@link patchSdk} on supported versions. */
  protected sdkDefinitions(sdk: SdkPackage): InstrumentationNodeModuleDefinition[] {
    return sdkModuleDefinitions({
      ...sdk,
      patch: (exports) => this.patchExports(sdk.name, exports),
      unpatch: (exports) => this.unpatchExports(sdk.name, exports),
    });
  }

  /**
   * Wraps `owner[name]` (a prototype's method, or one instance's own function) with the call
   * pipeline driven by `adapter`; nothing when it is not a function or is wrapped already.
   */
  protected wrapLlm(owner: object, name: string, adapter: LlmAdapter): void {
    const current = (owner as Record<string, unknown>)[name];
    if (typeof current !== 'function' || isWrapped(current)) return;
    this._wrap(
      owner as Record<string, LlmMethod>,
      name,
      wrapLlmMethod(adapter, () => this.telemetry()) as (original: unknown) => LlmMethod,
    );
  }

  /** Undoes {@link wrapLlm} (or any wrap of `owner[name]`). */
  protected unwrap(owner: object, name: string): void {
    if (isWrapped((owner as Record<string, unknown>)[name])) {
      this._unwrap(owner as Record<string, unknown>, name);
    }
  }

  /** Wraps the SDK's own methods (`asResponse` is done already). May throw: it is reported. */
  protected abstract patchSdk(exports: unknown): void;
  /** Undoes {@link patchSdk}. May throw: it is reported. */
  protected abstract unpatchSdk(exports: unknown): void;

  private patchExports(name: string, exports: unknown): void {
    try {
      const apiPromise = asResponseToWrap(exports);
      if (apiPromise !== undefined) {
        this._wrap(apiPromise, 'asResponse', wrapAsResponse as (original: unknown) => unknown);
      }
      this.patchSdk(exports);
    } catch (error) {
      reportInternal(`patching ${name}`, error);
    }
  }

  private unpatchExports(name: string, exports: unknown): void {
    try {
      const apiPromise = asResponseToUnwrap(exports);
      if (apiPromise !== undefined) this._unwrap(apiPromise, 'asResponse');
      this.unpatchSdk(exports);
    } catch (error) {
      reportInternal(`unpatching ${name}`, error);
    }
  }
}
