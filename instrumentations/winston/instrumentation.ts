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
import { severityFromName } from '../logs-common/severity';
import { activeSpanContext, addTraceFields } from '../logs-common/trace-fields';
import { unsupportedVersionDefinition } from '../logs-common/unsupported';
import type { WinstonInstrumentationConfig, WinstonLogger, WinstonModule } from './types';
import { LEVEL, winstonAttributes, winstonBody, winstonTemplate } from './utils';
import type { WinstonInfo } from './utils';

/** winston majors this instrumentation is tested with. */
export const WINSTON_SUPPORTED_VERSIONS = ['>=3.0.0 <4'];

type Write = WinstonLogger['write'];

/**
 * winston 3: wraps `Logger.prototype.write`, where every line passes as an info object before
 * any format runs. There the sampler decides (scope `all`), the correlation fields join the
 * info object, and the record is emitted with the info object's fields as attributes.
 */
export class WinstonInstrumentation extends InstrumentationBase<WinstonInstrumentationConfig> {
  constructor(config: WinstonInstrumentationConfig = {}) {
    super('@sprintlens/instrumentation-winston', VERSION, config);
    registerLogMetrics();
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        'winston',
        WINSTON_SUPPORTED_VERSIONS,
        (moduleExports: unknown) => {
          const winston = moduleOf(moduleExports);
          if (winston !== undefined) {
            reportLoaderPath(this._diag, 'winston', isModuleNamespace(moduleExports));
            this._wrap(winston.Logger.prototype, 'write', (original) => this.wrapWrite(original));
          }
          return moduleExports;
        },
        (moduleExports: unknown) => {
          const winston = moduleOf(moduleExports);
          if (winston !== undefined) this._unwrap(winston.Logger.prototype, 'write');
        },
      ),
      unsupportedVersionDefinition({
        name: 'winston',
        unsupportedRanges: ['<3.0.0 || >=4'],
        supportedRanges: WINSTON_SUPPORTED_VERSIONS,
        diag: this._diag,
      }),
    ];
  }

  private wrapWrite(original: Write): Write {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const instrumentation = this;
    return function sprintlensWrite(this: WinstonLogger, info: unknown, ...rest: unknown[]) {
      if (instrumentation.isEnabled() && typeof info === 'object' && info !== null) {
        let keep = true;
        try {
          keep = instrumentation.onLine(this, info as WinstonInfo);
        } catch (error) {
          logCounters.emitFailures++;
          instrumentation._diag.debug('could not handle a winston line', error);
        }
        if (!keep) return true; // dropped before any format ran; the stream is not full
      }
      return original.call(this, info, ...rest);
    };
  }

  /** Returns false when the line is dropped (scope `all`). */
  private onLine(logger: WinstonLogger, info: WinstonInfo): boolean {
    const level = info[LEVEL] ?? info.level;
    // Lines below the logger's level are filtered later by the transports: not lines to us.
    if (typeof level !== 'string' || !logger.isLevelEnabled(level)) return true;
    const severityNumber = severityFromName(level);
    const template = winstonTemplate(info);
    const spanContext = activeSpanContext();
    const verdict = decideLine({
      severityNumber,
      message: typeof info.message === 'string' ? info.message : '',
      template,
      traceId: spanContext?.traceId,
    });
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
            severityText: level,
            body: winstonBody(info, template),
            attributes: winstonAttributes(info, template, bounds),
            template,
            decision: verdict,
          },
          bounds,
        );
      }
    }
    if (config.logCorrelation !== false && spanContext !== undefined) {
      addTraceFields(info, spanContext);
    }
    return true;
  }
}

/** The CommonJS exports, also behind an ES-module namespace's `default`. */
function moduleOf(moduleExports: unknown): WinstonModule | undefined {
  if (typeof moduleExports !== 'object' || moduleExports === null) return undefined;
  const candidate = moduleExports as { Logger?: unknown; default?: { Logger?: unknown } };
  const logger = candidate.Logger ?? candidate.default?.Logger;
  if (typeof logger !== 'function') return undefined;
  return { Logger: logger as WinstonModule['Logger'] };
}
