import type {
  Attributes,
  DiagLogger,
  Logger,
  SeverityNumber,
  SpanContext,
} from '@opentelemetry/api';
import type { LogSampler } from '../../src/sampling/log-sampler';
import { DEFAULT_BOUNDS } from './bounds';
import type { AttributeBounds } from './bounds';
import type { LogInstrumentationConfig } from './config';
import { logCounters } from './counters';
import { emitLine } from './emit';
import { decideLine, DROP_LINE, DROP_RECORD, KEEP, UNDECIDED } from './sampling';
import type { LineVerdict } from './sampling';
import { activeSpanContext } from './trace-fields';

/**
 * How a logger's line (`S`: winston's info object, bunyan's record, console's arguments) becomes
 * a record. One constant object per instrumentation: the shared flow ({@link handleLine}) takes
 * it as an argument and needs no closure per line.
 */
export interface LineBuilder<S> {
  /** The logger's name, for diagnostics. */
  readonly name: string;
  /** The message after interpolation: the record's body. */
  body(subject: S, line: SourceLine<S>): string;
  /** The line's fields as attributes, within `bounds`. */
  attributes(subject: S, line: SourceLine<S>, bounds: AttributeBounds): Attributes;
  /** Time of the line in milliseconds since the epoch, when the logger records one. */
  timestamp?(subject: S): number | undefined;
  /**
   * Adds the correlation fields to what the logger writes; `undefined` when the line is not an
   * object of the logger's (console's arguments are printed as given).
   */
  readonly correlate: ((subject: S, spanContext: SpanContext) => void) | undefined;
}

/** A {@link LineBuilder} that also reads the line (`C`: what else it needs to, if anything). */
export interface LineSource<S, C> extends LineBuilder<S> {
  /**
   * The line in `subject`, or `undefined` when it is not one to handle (winston: below the
   * logger's level), which the logger then writes as usual.
   */
  read(subject: S, context: C): SourceLine<S> | undefined;
}

/**
 * One line on its way through {@link handleLine}: its `message` is the body, built at most once
 * and only when asked for (with a template the sampler does not ask, so a dropped templated
 * line is never formatted).
 */
export class SourceLine<S> {
  private body: string | undefined = undefined;

  constructor(
    private readonly builder: LineBuilder<S>,
    private readonly subject: S,
    readonly severityNumber: SeverityNumber,
    readonly severityText: string,
    /** The message before interpolation, when the logger has it. */
    readonly template: string | undefined = undefined,
    /** How many arguments `template` consumes (counted once per line, where a logger needs it). */
    readonly specifiers = 0,
  ) {}

  get message(): string {
    return (this.body ??= this.builder.body(this.subject, this));
  }
}

/**
 * The per-line flow of winston, bunyan and console, before the logger writes the line: read it,
 * ask `sampler` ({@link decideLine}), emit the record unless it was dropped or record sending
 * is off, and add the correlation fields while a span is active. Returns false when the line
 * is dropped (scope `all`): the logger must not write it. Never throws: an internal error is
 * counted and the line is written as usual.
 *
 * @param sampler the instrumentation's sampler (`LogInstrumentationBase.logSampler`), if any.
 */
export function handleLine<S, C>(
  logger: Logger,
  config: LogInstrumentationConfig,
  diag: DiagLogger,
  sampler: LogSampler | undefined,
  source: LineSource<S, C>,
  subject: S,
  context: C,
): boolean {
  try {
    const line = source.read(subject, context);
    if (line === undefined) return true;
    const spanContext = activeSpanContext();
    let verdict: LineVerdict = UNDECIDED;
    let patternId = '';
    let patternTemplate = '';
    let sampleRate = 1;
    if (sampler !== undefined) {
      const template = line.template;
      verdict = decideLine(
        sampler,
        line.severityNumber,
        template === undefined ? line.message : '',
        template,
        spanContext?.traceId,
      );
      if (verdict === DROP_LINE) return false;
      if (verdict === KEEP) {
        // Read now: building the record may run app code (getters) that logs and decides.
        patternId = sampler.outId;
        patternTemplate = sampler.outTemplate;
        sampleRate = sampler.outSampleRate;
      }
    }
    if (config.logSending !== false && verdict !== DROP_RECORD) {
      const severityNumber = line.severityNumber;
      if (logger.enabled({ severityNumber })) {
        const bounds = config.bounds ?? DEFAULT_BOUNDS;
        emitLine(
          logger,
          {
            severityNumber,
            severityText: line.severityText,
            body: line.message,
            attributes: source.attributes(subject, line, bounds),
            template: line.template,
            timestamp: source.timestamp?.(subject),
            decidedBy: verdict === KEEP ? sampler : undefined,
            patternId,
            patternTemplate,
            sampleRate,
          },
          bounds,
        );
      }
    }
    const correlate = source.correlate;
    if (correlate !== undefined && spanContext !== undefined && config.logCorrelation !== false) {
      correlate(subject, spanContext);
    }
    return true;
  } catch (error) {
    logCounters.emitFailures++;
    diag.debug(`could not handle a ${source.name} line`, error);
    return true;
  }
}
