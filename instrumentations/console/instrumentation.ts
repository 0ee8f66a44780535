import type { InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import type { LogInstrumentationConfig } from '../logs-common/config';
import { LogInstrumentationBase } from '../logs-common/instrumentation';
import { handleLine, SourceLine } from '../logs-common/line';
import type { LineSource } from '../logs-common/line';
import { severityFromName } from '../logs-common/severity';
import type { ConsoleMethod } from './types';
import { CONSOLE_METHODS, consoleAttributes, consoleBody, consoleTemplate } from './utils';

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
export class ConsoleInstrumentation extends LogInstrumentationBase {
  constructor(config: LogInstrumentationConfig = {}) {
    super('@sprintlens/instrumentation-console', config);
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
        const print = handleLine(
          instrumentation.logger,
          instrumentation.getConfig(),
          instrumentation._diag,
          instrumentation.logSampler,
          CONSOLE_LINES,
          args,
          method,
        );
        if (print) original.apply(this, args);
      } finally {
        handling = false;
      }
    };
    patches.set(method, { original, wrapper });
    console[method] = wrapper;
  }
}

/**
 * console's lines: the arguments of a call, read with the method's name. util.format runs only
 * for a record's body, or for the sampler when the call has no template: a dropped templated
 * call is never formatted.
 */
const CONSOLE_LINES: LineSource<unknown[], ConsoleMethod> = {
  name: 'console',
  read: (args, method) =>
    new SourceLine(CONSOLE_LINES, args, severityFromName(method), method, consoleTemplate(args)),
  body: consoleBody,
  attributes: (args, _line, bounds) => consoleAttributes(args, bounds),
  correlate: undefined, // console prints its arguments as given
};
