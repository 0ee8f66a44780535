import type { Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { EVALUATION_EVENT_NAME } from '../base/evaluation-event';
import { PATTERN_ID_ATTRIBUTE, SAMPLE_RATE_ATTRIBUTE, TEMPLATE_ATTRIBUTE } from './log-sampler';
import type { PatternSampler } from './pattern-sampler';

/**
 * The `LogRecordProcessor` that samples, and the one writer of the decision attributes
 * (`sprintlens.pattern.id`, `log.record.template`, `sprintlens.sample_rate`). A record a log
 * instrumentation decided before the logger wrote the line arrives with its decision in the
 * sampler's hand-off (see `DecisionHandoff`): it is stamped with it and forwarded. Any other
 * record is decided here. Kept records go to the downstream processor, dropped ones no further.
 * Evaluation results (`gen_ai.evaluation.result` events) are not log lines: they are forwarded
 * undecided and unstamped, never dropped.
 */
export class LogSamplingProcessor implements LogRecordProcessor {
  constructor(
    readonly sampler: PatternSampler,
    readonly downstream: LogRecordProcessor,
    private readonly onShutdown: () => Promise<void> = () => Promise.resolve(),
  ) {}

  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    const sampler = this.sampler;
    const handoff = sampler.handoff;
    let keep = true;
    try {
      if (logRecord.eventName === EVALUATION_EVENT_NAME) {
        // A score is data, not a line of a pattern: always exported, nothing stamped.
      } else if (handoff.pending) {
        handoff.pending = false; // taken: a record emitted inside the downstream is not this one
        stamp(logRecord, handoff.patternId, handoff.template, handoff.sampleRate);
      } else {
        const body = logRecord.body;
        const template = logRecord.attributes[TEMPLATE_ATTRIBUTE];
        keep = sampler.decideRecord(
          logRecord.severityNumber,
          typeof body === 'string' ? body : bodyText(body, logRecord.eventName),
          typeof template === 'string' ? template : undefined,
          logRecord.spanContext?.traceId,
        );
        if (keep) stamp(logRecord, sampler.outId, sampler.outTemplate, sampler.outSampleRate);
      }
    } catch {
      // Fail open: a record we could not decide is exported rather than lost, and counted.
      sampler.failures++;
      keep = true;
    }
    if (keep) this.downstream.onEmit(logRecord, context);
  }

  forceFlush(): Promise<void> {
    return this.downstream.forceFlush();
  }

  /** Stops the policy client, sends the last pattern report, then shuts the downstream down. */
  async shutdown(): Promise<void> {
    try {
      await this.onShutdown();
    } finally {
      await this.downstream.shutdown();
    }
  }
}

/** Writes a kept record's decision attributes. */
function stamp(record: ReadWriteLogRecord, id: string, template: string, rate: number): void {
  record.setAttribute(PATTERN_ID_ATTRIBUTE, id);
  record.setAttribute(TEMPLATE_ATTRIBUTE, template);
  record.setAttribute(SAMPLE_RATE_ATTRIBUTE, rate);
}

/** The text to take a pattern of when the body is not a string. */
function bodyText(body: unknown, eventName: string | undefined): string {
  if (typeof body === 'number' || typeof body === 'boolean') return String(body);
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    // Structured bodies (`{ msg: 'x', ... }`): the message field is what varies least.
    const record = body as Record<string, unknown>;
    const message = record.message ?? record.msg;
    if (typeof message === 'string') return message;
  }
  return eventName ?? '';
}
