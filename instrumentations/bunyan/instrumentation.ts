import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { LogInstrumentationConfig } from '../logs-common/config';
import { LogInstrumentationBase } from '../logs-common/instrumentation';
import { handleLine, SourceLine } from '../logs-common/line';
import type { LineSource } from '../logs-common/line';
import { isModuleNamespace, reportLoaderPath } from '../logs-common/loader-path';
import { NUMERIC_LEVEL_NAMES, severityFromNumericLevel } from '../logs-common/severity';
import { addTraceFields } from '../logs-common/trace-fields';
import { unsupportedVersionDefinition } from '../logs-common/unsupported';
import type { BunyanLogger, BunyanModule } from './types';
import { bunyanAttributes, bunyanMessage, bunyanTime } from './utils';
import type { BunyanRecord } from './utils';
import { catalogueEntry } from '../../src/config/instrumentation-catalogue';

/** bunyan majors this instrumentation is tested with. */
export const BUNYAN_SUPPORTED_VERSIONS: string[] = [...catalogueEntry('bunyan').supportedVersions];

type Emit = BunyanLogger['_emit'];

/**
 * bunyan 1 and 2: wraps `Logger.prototype._emit`, which receives the finished record before
 * bunyan stringifies it for its streams. There the sampler decides (scope `all`), the
 * correlation fields join the record, and the OTel record is emitted.
 */
export class BunyanInstrumentation extends LogInstrumentationBase {
  constructor(config: LogInstrumentationConfig = {}) {
    super('@sprintlens/instrumentation-bunyan', config);
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        'bunyan',
        BUNYAN_SUPPORTED_VERSIONS,
        (moduleExports: unknown) => {
          const Logger = moduleOf(moduleExports);
          if (Logger !== undefined) {
            reportLoaderPath(this._diag, 'bunyan', isModuleNamespace(moduleExports));
            this._wrap(Logger.prototype, '_emit', (original) => this.wrapEmit(original));
          }
          return moduleExports;
        },
        (moduleExports: unknown) => {
          const Logger = moduleOf(moduleExports);
          if (Logger !== undefined) this._unwrap(Logger.prototype, '_emit');
        },
      ),
      unsupportedVersionDefinition({
        name: 'bunyan',
        unsupportedRanges: ['<1.0.0 || >=3'],
        supportedRanges: BUNYAN_SUPPORTED_VERSIONS,
        diag: this._diag,
      }),
    ];
  }

  private wrapEmit(original: Emit): Emit {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const instrumentation = this;
    return function sprintlensEmit(this: BunyanLogger, rec: unknown, noemit?: unknown) {
      // noemit: bunyan only wants the string (dtrace probes); not a line being written.
      if (
        !noemit &&
        instrumentation.isEnabled() &&
        typeof rec === 'object' &&
        rec !== null &&
        !handleLine(
          instrumentation.logger,
          instrumentation.getConfig(),
          instrumentation._diag,
          instrumentation.logSampler,
          BUNYAN_LINES,
          rec as BunyanRecord,
          undefined,
        )
      ) {
        return undefined; // dropped before bunyan stringifies it
      }
      return original.call(this, rec, noemit);
    };
  }
}

/** bunyan's lines: the finished record `_emit` receives (bunyan formatted the message already). */
const BUNYAN_LINES: LineSource<BunyanRecord, undefined> = {
  name: 'bunyan',
  read(rec) {
    const level = typeof rec.level === 'number' ? rec.level : 30;
    return new SourceLine(
      BUNYAN_LINES,
      rec,
      severityFromNumericLevel(level),
      NUMERIC_LEVEL_NAMES[level] ?? String(level),
    );
  },
  body: bunyanMessage,
  attributes: (rec, _line, bounds) => bunyanAttributes(rec, bounds),
  timestamp: bunyanTime,
  correlate: addTraceFields,
};

/** bunyan's module is the Logger constructor (also behind an ES-module namespace's default). */
function moduleOf(moduleExports: unknown): BunyanModule | undefined {
  const candidate =
    typeof moduleExports === 'function'
      ? moduleExports
      : (moduleExports as { default?: unknown } | null)?.default;
  if (typeof candidate !== 'function') return undefined;
  const proto = (candidate as { prototype?: { _emit?: unknown } }).prototype;
  return typeof proto?._emit === 'function' ? (candidate as unknown as BunyanModule) : undefined;
}
