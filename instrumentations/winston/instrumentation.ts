import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { LogInstrumentationConfig } from '../logs-common/config';
import { LogInstrumentationBase } from '../logs-common/instrumentation';
import { handleLine, SourceLine } from '../logs-common/line';
import type { LineSource } from '../logs-common/line';
import { isModuleNamespace, reportLoaderPath } from '../logs-common/loader-path';
import { severityFromName } from '../logs-common/severity';
import { addTraceFields } from '../logs-common/trace-fields';
import { unsupportedVersionDefinition } from '../logs-common/unsupported';
import type { WinstonLogger, WinstonModule } from './types';
import { LEVEL, winstonAttributes, winstonBody, winstonSpecifiers } from './utils';
import type { WinstonInfo } from './utils';
import { catalogueEntry } from '../../src/config/instrumentation-catalogue';

/** winston majors this instrumentation is tested with. */
export const WINSTON_SUPPORTED_VERSIONS: string[] = [
  ...catalogueEntry('winston').supportedVersions,
];

type Write = WinstonLogger['write'];

/**
 * winston 3: wraps `Logger.prototype.write`, where every line passes as an info object before
 * any format runs. There the sampler decides (scope `all`), the correlation fields join the
 * info object, and the record is emitted with the info object's fields as attributes.
 */
export class WinstonInstrumentation extends LogInstrumentationBase {
  constructor(config: LogInstrumentationConfig = {}) {
    super('@sprintlens/instrumentation-winston', config);
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
      if (
        instrumentation.isEnabled() &&
        typeof info === 'object' &&
        info !== null &&
        !handleLine(
          instrumentation.logger,
          instrumentation.getConfig(),
          instrumentation._diag,
          instrumentation.logSampler,
          WINSTON_LINES,
          info as WinstonInfo,
          this,
        )
      ) {
        return true; // dropped before any format ran; the stream is not full
      }
      return original.call(this, info, ...rest);
    };
  }
}

/** winston's lines: the info object `Logger.prototype.write` receives, read with its logger. */
const WINSTON_LINES: LineSource<WinstonInfo, WinstonLogger> = {
  name: 'winston',
  read(info, logger) {
    const level = info[LEVEL] ?? info.level;
    // Lines below the logger's level are filtered later by the transports: not lines to us.
    if (typeof level !== 'string' || !logger.isLevelEnabled(level)) return undefined;
    const specifiers = winstonSpecifiers(info);
    return new SourceLine(
      WINSTON_LINES,
      info,
      severityFromName(level),
      level,
      specifiers > 0 ? (info.message as string) : undefined,
      specifiers,
    );
  },
  body: (info, line) => winstonBody(info, line.template, line.specifiers),
  attributes: (info, line, bounds) =>
    winstonAttributes(info, line.template, line.specifiers, bounds),
  correlate: addTraceFields,
};

/** The CommonJS exports, also behind an ES-module namespace's `default`. */
function moduleOf(moduleExports: unknown): WinstonModule | undefined {
  if (typeof moduleExports !== 'object' || moduleExports === null) return undefined;
  const candidate = moduleExports as { Logger?: unknown; default?: { Logger?: unknown } };
  const logger = candidate.Logger ?? candidate.default?.Logger;
  if (typeof logger !== 'function') return undefined;
  return { Logger: logger as WinstonModule['Logger'] };
}
