import type {
  InstrumentationConfig,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import { debug } from '../../src/base/diag';
import { VERSION } from '../../src/base/version';
import { catalogueEntry } from '../../src/config/instrumentation-catalogue';
import type { GenAiConfig } from '../genai';
import { GenAiInstrumentationBase } from '../genai/instrumentation-base';
import { CONVERSE, CONVERSE_STREAM } from './converse';
import { INVOKE_MODEL, INVOKE_MODEL_STREAM } from './invoke-model';
import { patchSend, unpatchSend } from './send-patch';
import type { OperationAdapters } from './send-patch';

/**
 * Options of {@link BedrockInstrumentation}: the OpenTelemetry instrumentation options
 * (`enabled`) and the options every sprintlens LLM instrumentation takes (`captureContent`,
 * `contentMaxChars`, `redaction`, `prices`, `pricesFile`, `metrics`, `metricAttributes`).
 * Bedrock streams always report usage, so there is no `includeStreamUsage`.
 */
export type BedrockInstrumentationConfig = InstrumentationConfig & GenAiConfig;

/** The `@aws-sdk/client-bedrock-runtime` versions we instrument. */
export const SUPPORTED_BEDROCK_VERSIONS: string[] = [
  ...catalogueEntry('bedrock').supportedVersions,
];

const ADAPTERS: OperationAdapters = {
  Converse: CONVERSE,
  ConverseStream: CONVERSE_STREAM,
  InvokeModel: INVOKE_MODEL,
  InvokeModelWithResponseStream: INVOKE_MODEL_STREAM,
};

/**
 * Spans, metrics and cost for Amazon Bedrock Runtime (`@aws-sdk/client-bedrock-runtime` v3):
 * `Converse`, `ConverseStream`, `InvokeModel` and `InvokeModelWithResponseStream` sent through
 * `client.send(command)` (and the aggregated `BedrockRuntime` client's methods, which call it),
 * with provider `aws.bedrock`. `BedrockRuntimeClient.prototype` gets an own `send` (see
 * send-patch.ts): the shared smithy client other AWS services use is never patched, and other
 * Bedrock commands pass straight through. The package has no ES-module build for Node (its
 * `main` is CommonJS, which `import` loads too), so one patch covers both module systems.
 */
export class BedrockInstrumentation extends GenAiInstrumentationBase<BedrockInstrumentationConfig> {
  constructor(config: BedrockInstrumentationConfig = {}) {
    super('sprintlens-instrumentation-bedrock', VERSION, config);
  }

  protected override init(): InstrumentationNodeModuleDefinition[] {
    return this.sdkDefinitions({
      name: '@aws-sdk/client-bedrock-runtime',
      supportedRanges: SUPPORTED_BEDROCK_VERSIONS,
      unsupportedRanges: ['<3.943.0 || >=4'],
    });
  }

  protected override patchSdk(exports: unknown): void {
    const prototype = clientPrototype(exports);
    if (prototype === undefined) {
      debug('@aws-sdk/client-bedrock-runtime: BedrockRuntimeClient not found; not instrumented');
      return;
    }
    patchSend(prototype, ADAPTERS, () => this.telemetry());
  }

  protected override unpatchSdk(exports: unknown): void {
    const prototype = clientPrototype(exports);
    if (prototype !== undefined) unpatchSend(prototype);
  }
}

/** `BedrockRuntimeClient.prototype`, from the package's exports (or an ES-module namespace). */
function clientPrototype(exports: unknown): object | undefined {
  const root = (exports as Record<string, unknown> | null) ?? {};
  const ctor =
    root.BedrockRuntimeClient ??
    (root.default as Record<string, unknown> | undefined)?.BedrockRuntimeClient;
  return typeof ctor === 'function' ? (ctor.prototype as object) : undefined;
}
