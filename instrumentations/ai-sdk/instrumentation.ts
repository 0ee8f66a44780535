import { types } from 'node:util';
import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { debug } from '../../src/base/diag';
import { VERSION } from '../../src/base/version';
import { catalogueEntry } from '../../src/config/instrumentation-catalogue';
import { reportInternal } from '../genai';
import type { GenAiConfig, GenAiTelemetry } from '../genai';
import { GenAiInstrumentationBase } from '../genai/instrumentation-base';
import { holdToolCalls, releaseToolCalls } from '../genai/tool-metrics';
import type { ToolCalls } from '../genai/tool-metrics';
import { patchAgents, unpatchAgents } from './agents';
import { aiWrappers, exportsWith, markWrapper, originalOf } from './exports';
import type { AiFunction, AiHooks } from './exports';
import { AiSdkIntegration } from './integration';
import { AI_FUNCTIONS } from './request-attributes';

/**
 * Options of {@link AiSdkInstrumentation}: the OpenTelemetry instrumentation options (`enabled`)
 * and the options every sprintlens LLM instrumentation takes (`captureContent`,
 * `contentMaxChars`, `redaction`, `prices`, `pricesFile`, `metrics`, `metricAttributes`).
 */
export type AiSdkInstrumentationConfig = InstrumentationConfig & GenAiConfig;

/** The `ai` versions instrumented (5 and 6 through their spans, 7 through its integration). */
export const SUPPORTED_AI_SDK_VERSIONS: string[] = [...catalogueEntry('ai-sdk').supportedVersions];

/** The SDK's global list of telemetry integrations (`registerTelemetry()` adds to it). */
const INTEGRATIONS = 'AI_SDK_TELEMETRY_INTEGRATIONS';
/** Marks our integration on that list (one per process, whichever copy of sprintlens made it). */
const OURS = Symbol.for('sprintlens.ai_sdk.integration');

type GlobalWithIntegrations = typeof globalThis & { [INTEGRATIONS]?: unknown };

/**
 * Spans, metrics and cost for the Vercel AI SDK (`ai` 5.x–7.x), whatever provider package is
 * underneath (`@ai-sdk/openai`, `@ai-sdk/anthropic`, `@ai-sdk/google`, …): for `generateText`,
 * `streamText`, `generateObject`, `streamObject`, `embed` and `embedMany`, an `invoke_agent` or
 * `invoke_workflow` span for the call, a `chat {model}` / `embeddings {model}` span per model call
 * with usage, finish reasons and cost, and an `execute_tool {tool}` span per tool execution.
 *
 * - `ai` 7: a telemetry integration on the SDK's global list (integration.ts), registered while
 *   the instrumentation is enabled; no module needs to be hooked for it, under `--require` or
 *   `--import`. `streamText`/`streamObject` are wrapped when the module is hooked, to end a call
 *   whose streams the app stops reading (stream-watch.ts).
 * - `ai` 5/6: their functions are wrapped so telemetry is on by default, recorded through a
 *   tracer that builds these spans from the SDK's `ai.*` spans (legacy-tracer.ts).
 *
 * The module's exports are wrapped in place for an ES module (through the loader hook), and
 * replaced by a copy with the wrapped functions for `require` (the namespace of `ai` 7, an ES
 * module, and the getter-only exports of the `ai` 5/6 CommonJS build cannot be changed).
 */
export class AiSdkInstrumentation extends GenAiInstrumentationBase<AiSdkInstrumentationConfig> {
  /** Declared without initialisers: the base constructor calls `enable()` before they would run. */
  declare private integration: AiSdkIntegration | undefined;
  declare private hooks: AiHooks | undefined;
  /** `sprintlens_tool_calls_total`, held from `enable()` to `disable()` (shared with LangChain). */
  declare private toolCalls: ToolCalls | undefined;

  constructor(config: AiSdkInstrumentationConfig = {}) {
    super('sprintlens-instrumentation-ai-sdk', VERSION, config);
  }

  protected override init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        'ai',
        SUPPORTED_AI_SDK_VERSIONS,
        (exports: unknown, version?: string) => this.patchAi(exports, version),
        (exports: unknown) => this.unpatchAi(exports),
      ),
      new InstrumentationNodeModuleDefinition(
        'ai',
        ['<5.0.0 || >=8'],
        (exports: unknown, version?: string) => {
          debug(`ai ${version ?? '(unknown version)'} is not supported; not instrumented`, {
            supported: SUPPORTED_AI_SDK_VERSIONS.join(' '),
          });
          return exports;
        },
      ),
    ];
  }

  /** Patches `ai` when it loads, and registers the `ai` 7 telemetry integration. */
  override enable(): void {
    super.enable();
    this.toolCalls ??= holdToolCalls();
    this.registerIntegration();
  }

  /** Unpatches `ai` and takes the integration off the SDK's list. */
  override disable(): void {
    super.disable();
    this.unregisterIntegration();
    const toolCalls = this.toolCalls;
    this.toolCalls = undefined;
    if (toolCalls !== undefined) releaseToolCalls(toolCalls);
  }

  /** The `ai` 7 integration (made on first use): for tests and diagnostics. */
  aiIntegration(): AiSdkIntegration {
    return (this.integration ??= new AiSdkIntegration(() => this.aiHooks().telemetry()));
  }

  private aiHooks(): AiHooks {
    return (this.hooks ??= {
      telemetry: (): GenAiTelemetry | undefined =>
        this.isEnabled() ? this.telemetry() : undefined,
    });
  }

  private registerIntegration(): void {
    try {
      const root = globalThis as GlobalWithIntegrations;
      if (!Array.isArray(root[INTEGRATIONS])) root[INTEGRATIONS] = [];
      const list = root[INTEGRATIONS] as unknown[];
      // One per process: a second sprintlens copy (or instance) would record every call twice.
      if (list.some((entry) => isOurs(entry))) return;
      const integration = this.aiIntegration();
      Object.defineProperty(integration, OURS, { value: true, configurable: true });
      list.push(integration);
    } catch (error) {
      reportInternal('registering the AI SDK integration', error);
    }
  }

  private unregisterIntegration(): void {
    try {
      const list: unknown = (globalThis as GlobalWithIntegrations)[INTEGRATIONS];
      const integration = this.integration;
      if (!Array.isArray(list) || integration === undefined) return;
      const index = (list as unknown[]).indexOf(integration);
      if (index >= 0) list.splice(index, 1);
    } catch (error) {
      reportInternal('unregistering the AI SDK integration', error);
    }
  }

  /**
   * Wraps the functions of `ai` this version needs wrapped: in place for an ES module (the
   * loader hook's namespace), else in a copy of the exports, which the module loader hands the
   * app instead.
   */
  private patchAi(exports: unknown, version: string | undefined): unknown {
    if (typeof exports !== 'object' || exports === null) return exports;
    try {
      const module = exports as Record<string, unknown>;
      const major = Number.parseInt(version ?? '', 10);
      const wrappers = aiWrappers(Number.isFinite(major) ? major : 7, this.aiHooks());
      // The agent classes are changed in place (their prototype is the module's own).
      patchAgents(module, this.aiHooks(), Number.isFinite(major) ? major : 7);
      if (types.isProxy(exports)) {
        for (const [name, wrap] of Object.entries(wrappers)) {
          if (typeof module[name] !== 'function' || originalOf(module[name]) !== undefined)
            continue;
          this._wrap(module as Record<string, AiFunction>, name, ((original: AiFunction) =>
            markWrapper(wrap(original), original)) as (original: unknown) => AiFunction);
        }
        return exports;
      }
      const wrapped: Record<string, AiFunction> = {};
      for (const [name, wrap] of Object.entries(wrappers)) {
        const original = module[name];
        if (typeof original !== 'function' || originalOf(original) !== undefined) continue;
        wrapped[name] = markWrapper(wrap(original as AiFunction), original as AiFunction);
      }
      return Object.keys(wrapped).length === 0 ? exports : exportsWith(exports, wrapped);
    } catch (error) {
      reportInternal('patching ai', error);
      return exports;
    }
  }

  /**
   * Unwraps an ES module's functions. A copy handed to the app stays as it is: its wrappers
   * call straight through while the instrumentation is disabled.
   */
  private unpatchAi(exports: unknown): unknown {
    try {
      if (typeof exports === 'object' && exports !== null) {
        unpatchAgents(exports as Record<string, unknown>);
      }
      if (typeof exports === 'object' && exports !== null && types.isProxy(exports)) {
        const module = exports as Record<string, unknown>;
        for (const name of Object.keys(AI_FUNCTIONS)) {
          if (originalOf(module[name]) !== undefined) this._unwrap(module, name);
        }
      }
    } catch (error) {
      reportInternal('unpatching ai', error);
    }
    return exports;
  }

  /** Not used: `ai`'s module definitions are this class's own (see `init`). */
  protected override patchSdk(): void {}

  /** Not used (see `patchSdk`). */
  protected override unpatchSdk(): void {}
}

function isOurs(entry: unknown): boolean {
  return (
    typeof entry === 'object' && entry !== null && (entry as { [OURS]?: unknown })[OURS] === true
  );
}
