import type { Attributes, Logger, SeverityNumber } from '@opentelemetry/api';
import {
  PATTERN_ID_ATTRIBUTE,
  SAMPLE_RATE_ATTRIBUTE,
  TEMPLATE_ATTRIBUTE,
} from '../../src/sampling/log-sampler';
import type { LogSampleDecision } from '../../src/sampling/log-sampler';
import type { AttributeBounds } from './bounds';
import { boundString } from './stringify';

/** One log line, ready to become an OTel log record. */
export interface LogLine {
  readonly severityNumber: SeverityNumber;
  readonly severityText: string;
  /** The message after interpolation. */
  readonly body: string;
  /** Attributes already flattened (see `flattenFields`); the record takes ownership. */
  readonly attributes: Attributes;
  /** The message before interpolation, when the logger has it. */
  readonly template?: string;
  /** The decision taken before the write (scope `all`), attached so nobody decides twice. */
  readonly decision?: LogSampleDecision;
  /** Time of the line in milliseconds since the epoch, when the logger recorded one. */
  readonly timestamp?: number;
}

/**
 * Emits `line` through `logger` in the active context (so the record carries the active trace
 * and span ids). Without a decision, a known template travels as `log.record.template` for the
 * sampling processor to use.
 */
export function emitLine(logger: Logger, line: LogLine, bounds: AttributeBounds): void {
  const attributes = line.attributes;
  if (line.decision !== undefined) {
    attributes[PATTERN_ID_ATTRIBUTE] = line.decision.patternId;
    attributes[TEMPLATE_ATTRIBUTE] = line.decision.template;
    attributes[SAMPLE_RATE_ATTRIBUTE] = line.decision.sampleRate;
  } else if (line.template !== undefined) {
    attributes[TEMPLATE_ATTRIBUTE] = boundString(line.template, bounds.maxStringLength);
  }
  logger.emit({
    severityNumber: line.severityNumber,
    severityText: line.severityText,
    body: boundString(line.body, bounds.maxBodyLength),
    attributes,
    timestamp: line.timestamp,
  });
}
