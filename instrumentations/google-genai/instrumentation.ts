import { InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
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
import { reportInternal } from '../genai/safe';
import { EMBED_CONTENT } from './embed';
import { GENERATE_CONTENT, GENERATE_CONTENT_STREAM } from './generate';
import { loadedCopies } from './preloaded';
import {
  METHOD_EMBED_CONTENT,
  METHOD_EMBED_CONTENT_LEGACY,
  METHOD_GENERATE_CONTENT,
  METHOD_GENERATE_CONTENT_STREAM,
} from './types';

/**
 * Options of {@link GoogleGenAIInstrumentation}: the OpenTelemetry instrumentation options
 * (`enabled`) and the options every sprintlens LLM instrumentation takes (`captureContent`,
 * `contentMaxChars`, `redaction`, `prices`, `pricesFile`, `metrics`, `metricAttributes`).
 */
export interface GoogleGenAIInstrumentationConfig extends InstrumentationConfig, GenAiConfig {}

/** The `@google/genai` versions whose `Models` internals we know. */
export const SUPPORTED_GOOGLE_GENAI_VERSIONS: string[] = [
  ...catalogueEntry('google-genai').supportedVersions,
];

/** The majors of {@link SUPPORTED_GOOGLE_GENAI_VERSIONS}, for copies found already loaded. */
const SUPPORTED_MAJORS: readonly number[] = [1, 2, 3];

/** A `Models.prototype` method and the adapter of the request it sends. */
interface Target {
  readonly method: string;
  readonly adapter: LlmAdapter;
}

/**
 * Spans, metrics and cost for `@google/genai` 1.x–3.x, on the Gemini API (`gcp.gemini`) and
 * Vertex AI (`gcp.vertex_ai`): `models.generateContent`, `models.generateContentStream`,
 * `models.embedContent` and chats (`chats.create(…).sendMessage` / `sendMessageStream`).
 *
 * Where it patches, and why: the SDK's public methods (`ai.models.generateContent`, …) are arrow
 * functions assigned to each `Models` instance in its constructor, so they are not on any
 * prototype, and wrapping them per instance would miss every client made before the
 * instrumentation was enabled (and need a hook on construction). Each of them ends in a
 * `Models.prototype` method that sends exactly one request — `generateContentInternal`,
 * `generateContentStreamInternal`, `embedContentInternal` — looked up through `this` at call
 * time. Wrapping those on the prototype (exported as `Models` by both the CommonJS and the
 * ES-module build) instruments every client, whenever it was made, and gives one span per model
 * request: a chat turn calls `models.generateContent`, which calls `generateContentInternal`
 * once (or once per round of automatic function calling, or per hop of automatic continuation —
 * each a request of its own). The HTTP layer below (`ApiClient.request`) was the other
 * candidate: it sees every API call (files, caches, tunings, …) as bytes and would have to
 * re-parse requests and responses to tell a model call from the rest. SDKs older than
 * `embedContentInternal` had `embedContent` on the prototype itself: it is wrapped instead.
 */
export class GoogleGenAIInstrumentation extends GenAiInstrumentationBase<GoogleGenAIInstrumentationConfig> {
  /**
   * CommonJS copies patched by {@link enable} because they were loaded before it. Declared
   * without an initialiser: the base constructor calls `enable()` before field initialisers run.
   */
  declare private preloaded: unknown[] | undefined;

  constructor(config: GoogleGenAIInstrumentationConfig = {}) {
    super('sprintlens-instrumentation-google-genai', VERSION, config);
  }

  /**
   * Hooks the package for later loads and, since prototype patching reaches every client of a
   * copy whenever it was made, also patches the CommonJS copies already loaded: an app that
   * requires `@google/genai` and makes its clients before calling `start()` is instrumented too.
   */
  override enable(): void {
    super.enable();
    try {
      const cache = require.cache;
      const patch = this.getModuleDefinitions()[0]?.patch;
      for (const copy of loadedCopies(cache, SUPPORTED_MAJORS)) {
        patch?.(copy.exports, copy.version);
        (this.preloaded ??= []).push(copy.exports);
      }
    } catch (error) {
      reportInternal('patching @google/genai loaded before start', error);
    }
  }

  /** Unhooks the package and unpatches every copy, those found already loaded included. */
  override disable(): void {
    super.disable();
    const preloaded = this.preloaded;
    this.preloaded = undefined;
    const unpatch = this.getModuleDefinitions()[0]?.unpatch;
    for (const exports of preloaded ?? []) unpatch?.(exports);
  }

  protected override init(): InstrumentationNodeModuleDefinition[] {
    const definitions = this.sdkDefinitions({
      name: '@google/genai',
      supportedRanges: SUPPORTED_GOOGLE_GENAI_VERSIONS,
      unsupportedRanges: ['<1.0.0 || >=4'],
    });
    // `@google/genai/node` is the main entry's ES-module file reached by another name: the hooks
    // see it as a file of the package (the catalogue's `esmPatterns` has the loader wrap it).
    const main = definitions[0];
    main?.files.push(
      new InstrumentationNodeModuleFile(
        '@google/genai/dist/node/index.mjs',
        SUPPORTED_GOOGLE_GENAI_VERSIONS,
        (exports: unknown) => main.patch?.(exports) as unknown,
        (exports: unknown) => main.unpatch?.(exports),
      ),
    );
    return definitions;
  }

  protected override patchSdk(exports: unknown): void {
    const models = modelsPrototype(exports);
    if (models === undefined) {
      debug('@google/genai: Models not found; not instrumented');
      return;
    }
    for (const target of targets(models)) {
      if (typeof models[target.method] !== 'function') {
        debug(`@google/genai: Models.prototype.${target.method} not found; not instrumented`);
        continue;
      }
      this.wrapLlm(models, target.method, target.adapter);
    }
  }

  protected override unpatchSdk(exports: unknown): void {
    const models = modelsPrototype(exports);
    if (models === undefined) return;
    for (const method of [
      METHOD_GENERATE_CONTENT,
      METHOD_GENERATE_CONTENT_STREAM,
      METHOD_EMBED_CONTENT,
      METHOD_EMBED_CONTENT_LEGACY,
    ]) {
      this.unwrap(models, method);
    }
  }
}

/** `Models.prototype`, from the CommonJS exports or the ES-module namespace. */
function modelsPrototype(exports: unknown): Record<string, unknown> | undefined {
  const root = (exports as { Models?: unknown; default?: { Models?: unknown } } | null) ?? {};
  const Models = root.Models ?? root.default?.Models;
  return typeof Models === 'function' ? (Models.prototype as Record<string, unknown>) : undefined;
}

/** The methods to wrap on this version's `Models.prototype`. */
function targets(models: Record<string, unknown>): Target[] {
  const embed =
    typeof models[METHOD_EMBED_CONTENT] === 'function'
      ? METHOD_EMBED_CONTENT
      : METHOD_EMBED_CONTENT_LEGACY;
  return [
    { method: METHOD_GENERATE_CONTENT, adapter: GENERATE_CONTENT },
    { method: METHOD_GENERATE_CONTENT_STREAM, adapter: GENERATE_CONTENT_STREAM },
    { method: embed, adapter: EMBED_CONTENT },
  ];
}
