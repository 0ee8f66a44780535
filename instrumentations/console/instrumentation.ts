import { InstrumentationBase } from '@opentelemetry/instrumentation';
import type { InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import { VERSION } from '../../src/version';
import { DEFAULT_BOUNDS } from '../logs-common/bounds';
import { emitLine } from '../logs-common/emit';
import { logCounters } from '../logs-common/counters';
import { registerLogMetrics } from '../logs-common/metrics';
import { decideLine, DROP_LINE, DROP_RECORD } from '../logs-common/sampling';
import { activeSpanContext } from '../logs-common/trace-fields';
import type { ConsoleInstrumentationConfig, ConsoleMethod } from './types';
import {
  CONSOLE_METHODS,
  CONSOLE_SEVERITY,
  consoleAttributes,
  consoleBody,
  consoleTemplate,
} from './utils';

type ConsoleFunction = (...args: unknown[]) => void;

interface Patched {
  readonly original: ConsoleFunction;
  readonly wrapper: ConsoleFunction;
}

// Module scope, not instance fields: the base constructor calls enable() before a subclass's
// fields are initialised.
const patches = new Map<ConsoleMethod, Patched>();
/** Set while a console call is being handled: nested console calls pass straight through. */
let handling = false;

/**
 * `console.log/info/warn/error/debug/trace`: each call becomes an OTel log record (util.format
 * of the arguments as body, the first argument as template when it has format specifiers),
 * emitted in the active context. In sampling scope `all`, a dropped line is not printed.
 */
export class ConsoleInstrumentation extends InstrumentationBase<ConsoleInstrumentationConfig> {
  constructor(config: ConsoleInstrumentationConfig = {}) {
    super('@sprintlens/instrumentation-console', VERSION, config);
    registerLogMetrics();
  }

  protected init(): InstrumentationModuleDefinition[] {
    return []; // console is a global: patched in enable(), not on require
  }

  override enable(): void {
    super.enable();
    for (const method of CONSOLE_METHODS) this.patchMethod(method);
  }

  override disable(): void {
    super.disable();
    for (const [method, patched] of patches) {
      // Someone may have wrapped over us: then our wrapper stays, and passes through.
      if (console[method] === patched.wrapper) console[method] = patched.original;
    }
    patches.clear();
  }

  private patchMethod(method: ConsoleMethod): void {
    if (patches.has(method)) return;
    const original = console[method] as ConsoleFunction;
    if (typeof original !== 'function') return;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const instrumentation = this;
    const wrapper = function sprintlensConsole(this: unknown, ...args: unknown[]): void {
      if (handling || !instrumentation.isEnabled()) {
        original.apply(this, args);
        return;
      }
      handling = true;
      try {
        let print = true;
        try {
          print = instrumentation.record(method, args);
        } catch {
          logCounters.emitFailures++;
          print = true;
        }
        if (print) original.apply(this, args);
      } finally {
        handling = false;
      }
    };
    patches.set(method, { original, wrapper });
    console[method] = wrapper;
  }

  /** Emits the record; returns false when the line is dropped before printing (scope `all`). */
  private record(method: ConsoleMethod, args: unknown[]): boolean {
    const severityNumber = CONSOLE_SEVERITY[method];
    const template = consoleTemplate(args);
    let body: string | undefined;
    const verdict = decideLine({
      severityNumber,
      get message(): string {
        body ??= consoleBody(args);
        return body;
      },
      template,
      traceId: activeSpanContext()?.traceId,
    });
    if (verdict === DROP_LINE) return false;
    if (verdict === DROP_RECORD) return true;
    const logger = this.logger;
    if (!logger.enabled({ severityNumber })) return true;
    const bounds = this.getConfig().bounds ?? DEFAULT_BOUNDS;
    body ??= consoleBody(args);
    emitLine(
      logger,
      {
        severityNumber,
        severityText: method,
        body,
        attributes: consoleAttributes(args, bounds),
        template,
        decision: verdict,
      },
      bounds,
    );
    return true;
  }
}
