import type { Attributes, Logger, SeverityNumber } from '@opentelemetry/api';
import { cut } from '../../src/base/text';
import { TEMPLATE_ATTRIBUTE } from '../../src/sampling/log-sampler';
import type { LogSampler } from '../../src/sampling/log-sampler';
import type { AttributeBounds } from './bounds';

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
  /** Time of the line in milliseconds since the epoch, when the logger recorded one. */
  readonly timestamp?: number;
  /**
   * The sampler that decided the line before the write (`decideLine`), with its decision: it
   * travels to the sampling processor in the sampler's hand-off, not as attributes.
   */
  readonly decidedBy?: LogSampler | undefined;
  readonly patternId?: string;
  readonly patternTemplate?: string;
  readonly sampleRate?: number;
}

/**
 * Emits `line` through `logger` in the active context (so the record carries the active trace
 * and span ids). A decided line's decision is handed to the sampling processor for the
 * duration of the emit, which writes the decision attributes; an undecided line carries its
 * printf template as `log.record.template` (the processor's input, or, with sampling off,
 * what is exported).
 */
export function emitLine(logger: Logger, line: LogLine, bounds: AttributeBounds): void {
  const decidedBy = line.decidedBy;
  if (decidedBy === undefined && line.template !== undefined) {
    line.attributes[TEMPLATE_ATTRIBUTE] = cut(line.template, bounds.maxStringLength);
  }
  const record = {
    severityNumber: line.severityNumber,
    severityText: line.severityText,
    body: cut(line.body, bounds.maxBodyLength),
    attributes: line.attributes,
    timestamp: line.timestamp,
  };
  if (decidedBy === undefined) {
    logger.emit(record);
    return;
  }
  const handoff = decidedBy.handoff;
  handoff.patternId = line.patternId ?? '';
  handoff.template = line.patternTemplate ?? '';
  handoff.sampleRate = line.sampleRate ?? 1;
  handoff.pending = true;
  try {
    logger.emit(record);
  } finally {
    handoff.pending = false; // not taken (no sampling processor on this provider): withdrawn
  }
}
