import type { Attributes, SpanContext } from '@opentelemetry/api';
import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { safeString } from '../../src/base/text';
import type { LogSampler } from '../../src/sampling/log-sampler';
import { flattenFields } from '../logs-common/attributes';
import { DEFAULT_BOUNDS } from '../logs-common/bounds';
import type { LogInstrumentationConfig } from '../logs-common/config';
import { emitLine } from '../logs-common/emit';
import { LogInstrumentationBase } from '../logs-common/instrumentation';
import { isModuleNamespace, reportLoaderPath } from '../logs-common/loader-path';
import { logCounters } from '../logs-common/counters';
import { decideLine, DROP_LINE, DROP_RECORD, KEEP, UNDECIDED } from '../logs-common/sampling';
import type { LineVerdict } from '../logs-common/sampling';
import { severityFromNumericLevel } from '../logs-common/severity';
import { activeSpanContext, addTraceFields } from '../logs-common/trace-fields';
import { unsupportedVersionDefinition } from '../logs-common/unsupported';
import type { LogMethodHook, PinoLogger, PinoModule, PinoWrite } from './types';
import { addBindings, isDestination, pinoSeverityText, readCallShape } from './utils';
import type { CallShape } from './utils';
import { catalogueEntry } from '../../src/config/instrumentation-catalogue';

/** pino majors this instrumentation is tested with. */
export const PINO_SUPPORTED_VERSIONS: string[] = [...catalogueEntry('pino').supportedVersions];

/** Marks the factory this instrumentation put in place of pino's. */
export const PINO_PATCHED = Symbol.for('sprintlens.pino.patched');

/**
 * The hand-off between the level-method hook (which sees the template and decides) and pino's
 * internal write (which sees the merged object and the formatted message). Logging is
 * synchronous, so one slot per instrumentation is enough; the write clears it.
 */
interface PendingCall {
  /** Set by our hook: the other fields are its findings (a write without it looks itself). */
  hooked: boolean;
  template: string | undefined;
  verdict: LineVerdict;
  /** The sampler that decided (verdict {@link KEEP}) and its decision. */
  decidedBy: LogSampler | undefined;
  patternId: string;
  patternTemplate: string;
  sampleRate: number;
  /** The active span the hook found, for the correlation fields: looked up once per line. */
  spanContext: SpanContext | undefined;
}

/**
 * pino 9 and 10: every line becomes an OTel log record (severity, formatted message as body,
 * merge object and child bindings as attributes, printf template), pino's own output gains
 * `trace_id`/`span_id`/`trace_flags` while a span is active, and the sampler decides in pino's
 * `logMethod` hook, before pino formats or serialises anything: in scope `all` a dropped line
 * ends there.
 */
export class PinoInstrumentation extends LogInstrumentationBase {
  private readonly pending: PendingCall = {
    hooked: false,
    template: undefined,
    verdict: UNDECIDED,
    decidedBy: undefined,
    patternId: '',
    patternTemplate: '',
    sampleRate: 1,
    spanContext: undefined,
  };

  constructor(config: LogInstrumentationConfig = {}) {
    super('@sprintlens/instrumentation-pino', config);
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        'pino',
        PINO_SUPPORTED_VERSIONS,
        (moduleExports: unknown) => this.patchModule(moduleExports),
        (moduleExports: unknown) => this.unpatchModule(moduleExports),
      ),
      unsupportedVersionDefinition({
        name: 'pino',
        unsupportedRanges: ['<9.0.0 || >=11'],
        supportedRanges: PINO_SUPPORTED_VERSIONS,
        diag: this._diag,
      }),
    ];
  }

  /**
   * CommonJS gets a wrapper function in place of the module; an ES-module namespace gets its
   * `default` and `pino` bindings replaced. The wrapper checks `isEnabled()` on every call, so
   * a disabled instrumentation creates plain loggers even where the wrapper was kept.
   */
  private patchModule(moduleExports: unknown): unknown {
    const isNamespace = isModuleNamespace(moduleExports);
    const original = (
      isNamespace ? (moduleExports as { default?: unknown }).default : moduleExports
    ) as PinoModule;
    if (
      typeof original !== 'function' ||
      (original as { [PINO_PATCHED]?: boolean })[PINO_PATCHED]
    ) {
      return moduleExports;
    }
    const patched = this.wrapFactory(original);
    reportLoaderPath(this._diag, 'pino', isNamespace);
    if (isNamespace) {
      const ns = moduleExports as Record<string, unknown>;
      if (ns.pino !== undefined) ns.pino = patched;
      ns.default = patched;
      return moduleExports;
    }
    return patched;
  }

  private unpatchModule(moduleExports: unknown): void {
    // Nothing to restore: the wrappers consult isEnabled() and step aside when disabled.
    void moduleExports;
  }

  private wrapFactory(original: PinoModule): PinoModule {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const instrumentation = this;
    function pino(this: unknown, ...args: unknown[]): PinoLogger {
      if (!instrumentation.isEnabled()) return original.apply(this, args);
      let patchedArgs: unknown[];
      try {
        patchedArgs = instrumentation.withOptions(args);
      } catch {
        patchedArgs = args; // our options could not be added: a plain logger, still correct
      }
      const logger = original.apply(this, patchedArgs);
      try {
        instrumentation.wrapWrite(logger, original.symbols);
      } catch (error) {
        instrumentation._diag.debug('could not wrap a pino logger', error);
      }
      return logger;
    }
    const patched = Object.assign(pino, original) as unknown as PinoModule;
    Object.defineProperty(patched, PINO_PATCHED, { value: true });
    // pino's module is the function with itself as `default` and `pino`.
    (patched as Record<string, unknown>).default = patched;
    (patched as Record<string, unknown>).pino = patched;
    return patched;
  }

  /** The user's options plus our `hooks.logMethod`, composed with theirs. */
  private withOptions(args: unknown[]): unknown[] {
    const first = args[0];
    let userOptions: Record<string, unknown> = {};
    let rest: unknown[];
    if (first === undefined) rest = args.slice(1);
    else if (isDestination(first))
      rest = args; // pino(stream) → pino(options, stream)
    else if (typeof first === 'object' && first !== null) {
      userOptions = first as Record<string, unknown>;
      rest = args.slice(1);
    } else return args;

    const options: Record<string, unknown> = { ...userOptions };
    const userHooks = (userOptions.hooks ?? {}) as Record<string, unknown>;
    options.hooks = { ...userHooks, logMethod: this.composeLogMethod(userHooks.logMethod) };
    return [options, ...rest];
  }

  /**
   * Our `logMethod` hook runs first: it reads the template, and in scope `all` asks the sampler
   * before pino does any formatting; a dropped line ends here.
   */
  private composeLogMethod(userHook: unknown): LogMethodHook {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const instrumentation = this;
    const pending = this.pending;
    const shape: CallShape = { message: '', template: undefined };
    const next = typeof userHook === 'function' ? (userHook as LogMethodHook) : undefined;
    return function sprintlensLogMethod(this: PinoLogger, args, method, level): void {
      if (instrumentation.isEnabled()) {
        let template: string | undefined;
        let verdict: LineVerdict = UNDECIDED;
        let spanContext: SpanContext | undefined;
        const sampler = instrumentation.logSampler;
        try {
          readCallShape(args, shape);
          template = shape.template;
          spanContext = activeSpanContext();
          if (sampler !== undefined) {
            verdict = decideLine(
              sampler,
              severityFromNumericLevel(level),
              template === undefined ? shape.message : '',
              template,
              spanContext?.traceId,
            );
          }
        } catch {
          verdict = UNDECIDED;
        }
        if (verdict === DROP_LINE) return; // scope all: pino neither formats nor writes it
        pending.hooked = true;
        pending.template = template;
        pending.verdict = verdict;
        pending.spanContext = spanContext;
        if (verdict === KEEP && sampler !== undefined) {
          pending.decidedBy = sampler;
          pending.patternId = sampler.outId;
          pending.patternTemplate = sampler.outTemplate;
          pending.sampleRate = sampler.outSampleRate;
        }
      }
      try {
        if (next !== undefined) next.call(this, args, method, level);
        else method.apply(this, args);
      } finally {
        // A user hook may swallow the line: nothing of it must leak into the next one.
        clearPending(pending);
      }
    };
  }

  /** Wraps the logger's internal write (children inherit it) to emit the record. */
  private wrapWrite(logger: PinoLogger, symbols: PinoModule['symbols']): void {
    const { writeSym } = symbols;
    const original = logger[writeSym];
    if (typeof original !== 'function') return;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const instrumentation = this;
    const pending = this.pending;
    const write = original as PinoWrite;
    const wrapped: PinoWrite = function sprintlensWrite(this: PinoLogger, obj, msg, num): void {
      const { hooked, template, verdict, decidedBy, patternId, patternTemplate, sampleRate } =
        pending;
      const hookSpanContext = pending.spanContext;
      clearPending(pending);
      if (!instrumentation.isEnabled()) {
        write.call(this, obj, msg, num);
        return;
      }
      const config = instrumentation.getConfig();
      if (config.logSending !== false && verdict !== DROP_RECORD) {
        try {
          instrumentation.emitRecord({
            logger: this,
            obj,
            msg,
            num,
            symbols,
            template,
            decidedBy: verdict === KEEP ? decidedBy : undefined,
            patternId,
            patternTemplate,
            sampleRate,
          });
        } catch (error) {
          logCounters.emitFailures++;
          instrumentation._diag.debug('could not emit a pino log record', error);
        }
      }
      let spanContext: SpanContext | undefined;
      if (config.logCorrelation !== false) {
        if (hooked) spanContext = hookSpanContext;
        else {
          // A write our hook did not see (a user hook that called pino's method later).
          try {
            spanContext = activeSpanContext();
          } catch {
            spanContext = undefined;
          }
        }
      }
      if (spanContext === undefined) {
        write.call(this, obj, msg, num);
        return;
      }
      // The correlation fields go first, as a mixin's would; the app's own keys win.
      const fields: Record<string, unknown> = {};
      addTraceFields(fields, spanContext);
      if (obj instanceof Error) {
        const errorKey = this[symbols.errorKeySym];
        fields[typeof errorKey === 'string' ? errorKey : 'err'] = obj;
        write.call(this, fields, msg === undefined ? obj.message : msg, num);
      } else if (typeof obj === 'object' && obj !== null) {
        write.call(this, Object.assign(fields, obj), msg, num);
      } else {
        write.call(this, fields, msg, num);
      }
    };
    logger[writeSym] = wrapped;
  }

  private emitRecord(call: {
    logger: PinoLogger;
    obj: unknown;
    msg: unknown;
    num: number;
    symbols: PinoModule['symbols'];
    template: string | undefined;
    /** The sampler that decided in the hook, and its decision. */
    decidedBy: LogSampler | undefined;
    patternId: string;
    patternTemplate: string;
    sampleRate: number;
  }): void {
    const { logger, obj, num, symbols } = call;
    const severityNumber = severityFromNumericLevel(num);
    const otelLogger = this.logger;
    if (!otelLogger.enabled({ severityNumber })) return;
    const bounds = this.getConfig().bounds ?? DEFAULT_BOUNDS;
    const messageKey = logger[symbols.messageKeySym];
    const errorKey = logger[symbols.errorKeySym];
    const attributes: Attributes = {};
    addBindings(attributes, logger, symbols.chindingsSym, bounds);
    let body = call.msg;
    if (obj instanceof Error) {
      flattenFields(attributes, { err: obj }, { bounds });
      if (body === undefined) body = obj.message;
    } else if (typeof obj === 'object' && obj !== null) {
      const record = obj as Record<string, unknown>;
      if (body === undefined && typeof messageKey === 'string') body = record[messageKey];
      if (body === undefined && typeof errorKey === 'string') {
        const error = record[errorKey];
        if (error instanceof Error) body = error.message;
      }
      flattenFields(attributes, obj, {
        bounds,
        skip: typeof messageKey === 'string' ? skipSet(messageKey) : undefined,
      });
    }
    emitLine(
      otelLogger,
      {
        severityNumber,
        severityText: pinoSeverityText(logger, num),
        body: typeof body === 'string' ? body : body === undefined ? '' : safeString(body),
        attributes,
        template: call.template,
        decidedBy: call.decidedBy,
        patternId: call.patternId,
        patternTemplate: call.patternTemplate,
        sampleRate: call.sampleRate,
      },
      bounds,
    );
  }
}

function clearPending(pending: PendingCall): void {
  pending.hooked = false;
  pending.template = undefined;
  pending.verdict = UNDECIDED;
  pending.decidedBy = undefined;
  pending.spanContext = undefined;
}

const skipSets = new Map<string, ReadonlySet<string>>();

/** The message key is the body, not an attribute; one set per distinct key, not per line. */
function skipSet(messageKey: string): ReadonlySet<string> {
  let set = skipSets.get(messageKey);
  if (set === undefined) {
    set = new Set([messageKey]);
    skipSets.set(messageKey, set);
  }
  return set;
}
