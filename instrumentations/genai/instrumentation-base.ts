import { InstrumentationBase } from '@opentelemetry/instrumentation';
import type {
  InstrumentationConfig,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import type { GenAiConfig } from './config';
import { ConfiguredTelemetry } from './configured-telemetry';
import { GenAiMetrics } from './metrics';
import { sdkModuleDefinitions } from './module-definitions';
import type { SdkPackage } from './module-definitions';
import { asResponseToUnwrap, asResponseToWrap } from './patching';
import { reportInternal } from './safe';
import { wrapAsResponse } from './stainless-promise';
import type { GenAiTelemetry } from './telemetry';

/**
 * What the instrumentations of Stainless-generated LLM SDKs (openai, @anthropic-ai/sdk) share:
 * the GenAI metrics instruments, the telemetry of the current config, and patching
 * `APIPromise.prototype.asResponse` next to the SDK's own methods.
 */
export abstract class GenAiInstrumentationBase<
  Config extends InstrumentationConfig & GenAiConfig,
> extends InstrumentationBase<Config> {
  private metrics: GenAiMetrics | undefined;
  /** Made on first use after each `setConfig`. */
  private configured: ConfiguredTelemetry | undefined;

  protected override _updateMetricInstruments(): void {
    this.metrics = new GenAiMetrics(this.meter);
  }

  override setConfig(config: Config = {} as Config): void {
    super.setConfig(config);
    // The base constructor calls this before our fields are initialised: assign, do not mutate.
    this.configured = undefined;
  }

  /** Tracer, metrics, prices and content capture as currently configured. */
  protected telemetry(): GenAiTelemetry {
    return (this.configured ??= new ConfiguredTelemetry(this._config)).telemetry(
      this.tracer,
      this.metrics,
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
