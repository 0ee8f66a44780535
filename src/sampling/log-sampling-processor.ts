import type { Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { PATTERN_ID_ATTRIBUTE, SAMPLE_RATE_ATTRIBUTE, TEMPLATE_ATTRIBUTE } from './log-sampler';
import type { PatternSampler } from './pattern-sampler';

/**
 * The `LogRecordProcessor` that samples: it decides each record with the {@link PatternSampler},
 * stamps kept ones with the decision attributes and hands them to the downstream processor;
 * dropped records go no further. A record that already carries `sprintlens.sample_rate` was
 * decided upstream (an instrumentation in scope `all` asked the sampler before the logger wrote
 * the line) and is forwarded as it is.
 */
export class LogSamplingProcessor implements LogRecordProcessor {
  /** Records that could not be decided because of an internal error; they were kept. */
  failures = 0;

  constructor(
    readonly sampler: PatternSampler,
    readonly downstream: LogRecordProcessor,
    private readonly onShutdown: () => Promise<void> = () => Promise.resolve(),
  ) {}

  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    let keep = true;
    try {
      const attributes = logRecord.attributes;
      if (attributes[SAMPLE_RATE_ATTRIBUTE] === undefined) {
        const sampler = this.sampler;
        const body = logRecord.body;
        const template = attributes[TEMPLATE_ATTRIBUTE];
        keep = sampler.decideRecord(
          logRecord.severityNumber,
          typeof body === 'string' ? body : bodyText(body, logRecord.eventName),
          typeof template === 'string' ? template : undefined,
          logRecord.spanContext?.traceId,
        );
        if (keep) {
          logRecord.setAttribute(PATTERN_ID_ATTRIBUTE, sampler.outId);
          logRecord.setAttribute(TEMPLATE_ATTRIBUTE, sampler.outTemplate);
          logRecord.setAttribute(SAMPLE_RATE_ATTRIBUTE, sampler.outSampleRate);
        }
      }
    } catch {
      // Fail open: a record we could not decide is exported rather than lost, and counted.
      this.failures++;
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
