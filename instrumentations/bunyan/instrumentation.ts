import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import { VERSION } from '../../src/version';
import { DEFAULT_BOUNDS } from '../logs-common/bounds';
import { emitLine } from '../logs-common/emit';
import { isModuleNamespace, reportLoaderPath } from '../logs-common/loader-path';
import { logCounters } from '../logs-common/counters';
import { registerLogMetrics } from '../logs-common/metrics';
import { decideLine, DROP_LINE, DROP_RECORD } from '../logs-common/sampling';
import { NUMERIC_LEVEL_NAMES, severityFromNumericLevel } from '../logs-common/severity';
import { safeString } from '../logs-common/stringify';
import { activeSpanContext, addTraceFields } from '../logs-common/trace-fields';
import { unsupportedVersionDefinition } from '../logs-common/unsupported';
import type { BunyanInstrumentationConfig, BunyanLogger, BunyanModule } from './types';
import { bunyanAttributes, bunyanTime } from './utils';
import type { BunyanRecord } from './utils';

/** bunyan majors this instrumentation is tested with. */
export const BUNYAN_SUPPORTED_VERSIONS = ['>=1.0.0 <3'];

type Emit = BunyanLogger['_emit'];

/**
 * bunyan 1 and 2: wraps `Logger.prototype._emit`, which receives the finished record before
 * bunyan stringifies it for its streams. There the sampler decides (scope `all`), the
 * correlation fields join the record, and the OTel record is emitted.
 */
export class BunyanInstrumentation extends InstrumentationBase<BunyanInstrumentationConfig> {
  constructor(config: BunyanInstrumentationConfig = {}) {
    super('@sprintlens/instrumentation-bunyan', VERSION, config);
    registerLogMetrics();
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
      if (!noemit && instrumentation.isEnabled() && typeof rec === 'object' && rec !== null) {
        let keep = true;
        try {
          keep = instrumentation.onRecord(rec as BunyanRecord);
        } catch (error) {
          logCounters.emitFailures++;
          instrumentation._diag.debug('could not handle a bunyan record', error);
        }
        if (!keep) return undefined; // dropped before bunyan stringifies it
      }
      return original.call(this, rec, noemit);
    };
  }

  /** Returns false when the line is dropped (scope `all`). */
  private onRecord(rec: BunyanRecord): boolean {
    const level = typeof rec.level === 'number' ? rec.level : 30;
    const severityNumber = severityFromNumericLevel(level);
    const message =
      typeof rec.msg === 'string' ? rec.msg : rec.msg === undefined ? '' : safeString(rec.msg);
    const spanContext = activeSpanContext();
    const verdict = decideLine({ severityNumber, message, traceId: spanContext?.traceId });
    if (verdict === DROP_LINE) return false;
    const config = this.getConfig();
    if (config.logSending !== false && verdict !== DROP_RECORD) {
      const otelLogger = this.logger;
      if (otelLogger.enabled({ severityNumber })) {
        const bounds = config.bounds ?? DEFAULT_BOUNDS;
        emitLine(
          otelLogger,
          {
            severityNumber,
            severityText: NUMERIC_LEVEL_NAMES[level] ?? String(level),
            body: message,
            attributes: bunyanAttributes(rec, bounds),
            decision: verdict,
            timestamp: bunyanTime(rec),
          },
          bounds,
        );
      }
    }
    if (config.logCorrelation !== false && spanContext !== undefined) {
      addTraceFields(rec, spanContext);
    }
    return true;
  }
}

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
