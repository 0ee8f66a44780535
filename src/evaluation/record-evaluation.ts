/**
 * `recordEvaluation`: one evaluation result about one LLM output, emitted as the OpenTelemetry
 * GenAI event `gen_ai.evaluation.result` (a log record with that event name) tied to the
 * evaluated operation's trace and span. The log sampling never drops it (see
 * `LogSamplingProcessor`), and nothing here throws into the caller.
 */
import { context, isSpanContextValid, logs, SeverityNumber, trace } from '@opentelemetry/api';
import type {
  Attributes,
  AttributeValue,
  Context,
  Logger,
  LoggerProvider,
  Span,
  SpanContext,
} from '@opentelemetry/api';
import { reportWarning } from '../base/diag';
import { EvaluationInvalidRecordError, EvaluationNotExportedError } from '../base/errors';
import {
  ATTR_EVALUATION_EXPLANATION,
  ATTR_EVALUATION_NAME,
  ATTR_EVALUATION_PASSED,
  ATTR_EVALUATION_RESPONSE_ID,
  ATTR_EVALUATION_SCORE_LABEL,
  ATTR_EVALUATION_SCORE_VALUE,
  EVALUATION_EVENT_NAME,
} from '../base/evaluation-event';
import { spanOfResponse } from '../base/response-spans';
import { cut } from '../base/text';
import { VERSION } from '../base/version';
import { addEvaluationMetrics, evaluationCounters } from './evaluation-metrics';

/** Longest `gen_ai.evaluation.name` and `gen_ai.evaluation.score.label` (longer ones are cut). */
export const MAX_EVALUATION_NAME_LENGTH = 256;
/** Longest `gen_ai.evaluation.explanation` (a longer one is cut, `…` included). */
export const MAX_EVALUATION_EXPLANATION_LENGTH = 4096;
/** Longest `gen_ai.response.id` (a longer one is cut). */
const MAX_RESPONSE_ID_LENGTH = 256;
/** Extra attributes beyond this many are left out. */
const MAX_EXTRA_ATTRIBUTES = 32;

/** The instrumentation scope of the evaluation events. */
const SCOPE_NAME = 'sprintlens.evaluation';

/** What {@link recordEvaluation} records. */
export interface RecordEvaluationOptions {
  /** What was evaluated for, e.g. `relevance`, `user_feedback` (`gen_ai.evaluation.name`). */
  readonly name: string;
  /** A finite number, e.g. in [0, 1] (`gen_ai.evaluation.score.value`). */
  readonly score?: number;
  /** A label, e.g. `pass`, `thumbs_up` (`gen_ai.evaluation.score.label`). */
  readonly label?: string;
  /** Why the score is what it is, e.g. a judge's reasoning (`gen_ai.evaluation.explanation`). */
  readonly explanation?: string;
  /** Whether the score met the evaluator's threshold (`sprintlens.evaluation.passed`). */
  readonly passed?: boolean;
  /**
   * The evaluated response's id (`gen_ai.response.id`, e.g. OpenAI's `chatcmpl-…`). Without
   * `span`, the event is tied to that response's span when the response was one of the last
   * 1,024 this process's LLM instrumentation saw; else to no span.
   */
  readonly responseId?: string;
  /** The evaluated operation: a span or its span context. Default: see `responseId`, else the active span. */
  readonly span?: Span | SpanContext;
  /**
   * More attributes for the event (e.g. `user.id`); at most 32, and they cannot replace the
   * evaluation's own.
   */
  readonly attributes?: Attributes;
}

let cachedProvider: LoggerProvider | undefined;
let cachedLogger: Logger | undefined;

/** The logger of the global provider now (a new provider, e.g. after a restart, gets a new one). */
function evaluationLogger(): Logger {
  const provider = logs.getLoggerProvider();
  if (provider !== cachedProvider || cachedLogger === undefined) {
    cachedProvider = provider;
    cachedLogger = provider.getLogger(SCOPE_NAME, VERSION);
  }
  return cachedLogger;
}

/**
 * Records one evaluation result about one LLM output, as the OpenTelemetry GenAI event
 * `gen_ai.evaluation.result`: a log record with attributes `gen_ai.evaluation.name`,
 * `gen_ai.evaluation.score.value`, `gen_ai.evaluation.score.label`,
 * `gen_ai.evaluation.explanation` and `gen_ai.response.id`, carrying the trace and span ids of
 * the evaluated operation: `span` if given, else the span of `responseId` if this process saw
 * that response, else the active span.
 *
 * Use it for scores from production code (user feedback, online checks) as well as from
 * experiments (`runExperiment` records every score with it). The log sampling never drops
 * these events.
 *
 * Never throws. Bad input (no name, a score that is not a finite number, a huge explanation)
 * is reported as `SL_EVALUATION_INVALID_RECORD` and recorded bounded (without a name, nothing
 * is recorded). Before `start()` (no logger provider) nothing is exported: the call is counted
 * and reported as `SL_EVALUATION_NOT_EXPORTED`.
 *
 * @example
 * recordEvaluation({ name: 'user_feedback', label: 'thumbs_down', score: 0, responseId });
 */
export function recordEvaluation(options: RecordEvaluationOptions): void {
  try {
    record(options);
  } catch (error) {
    // A getter that throws, an attribute the SDK refuses: the caller's work goes on.
    evaluationCounters.rejected++;
    reportWarning(
      new EvaluationInvalidRecordError(
        `the evaluation could not be recorded (${error instanceof Error ? error.name : typeof error})`,
      ),
    );
  }
}

function record(options: RecordEvaluationOptions): void {
  addEvaluationMetrics();
  if (typeof options !== 'object' || options === null) {
    reject('expected an options object with a name; nothing was recorded');
    return;
  }
  const problems: string[] = [];
  const name = options.name;
  if (typeof name !== 'string' || name.trim() === '') {
    reject('no name (a non-empty string) was given; nothing was recorded');
    return;
  }
  // Extra attributes first, so the evaluation's own always win.
  const attributes: Attributes = extraAttributes(options.attributes, problems);
  attributes[ATTR_EVALUATION_NAME] = text(name, 'name', MAX_EVALUATION_NAME_LENGTH, problems);

  const score = options.score;
  if (score !== undefined) {
    if (typeof score === 'number' && Number.isFinite(score)) {
      attributes[ATTR_EVALUATION_SCORE_VALUE] = score;
    } else {
      problems.push('the score is not a finite number (recorded without a score)');
    }
  }
  const label = text(options.label, 'label', MAX_EVALUATION_NAME_LENGTH, problems);
  if (label !== undefined) attributes[ATTR_EVALUATION_SCORE_LABEL] = label;
  const explanation = text(
    options.explanation,
    'explanation',
    MAX_EVALUATION_EXPLANATION_LENGTH,
    problems,
  );
  if (explanation !== undefined) attributes[ATTR_EVALUATION_EXPLANATION] = explanation;
  if (options.passed !== undefined) {
    if (typeof options.passed === 'boolean') attributes[ATTR_EVALUATION_PASSED] = options.passed;
    else problems.push('passed is not a boolean (left out)');
  }
  const responseId = text(options.responseId, 'responseId', MAX_RESPONSE_ID_LENGTH, problems);
  if (responseId !== undefined) attributes[ATTR_EVALUATION_RESPONSE_ID] = responseId;

  const target = evaluatedContext(options.span, options.responseId, problems);
  if (problems.length > 0) {
    evaluationCounters.corrected++;
    reportWarning(new EvaluationInvalidRecordError(problems.join('; ')));
  }

  const logger = evaluationLogger();
  if (!logger.enabled({ context: target, eventName: EVALUATION_EVENT_NAME })) {
    evaluationCounters.notExported++;
    reportWarning(new EvaluationNotExportedError());
    return;
  }
  logger.emit({
    eventName: EVALUATION_EVENT_NAME,
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    attributes,
    context: target,
  });
  evaluationCounters.exported++;
}

function reject(problem: string): void {
  evaluationCounters.rejected++;
  reportWarning(new EvaluationInvalidRecordError(problem));
}

/**
 * The context the event is emitted in: the active one (so context attributes such as
 * `session.id` still apply) with the evaluated operation's span in place of the active span.
 */
function evaluatedContext(
  span: Span | SpanContext | undefined,
  responseId: string | undefined,
  problems: string[],
): Context {
  const active = context.active();
  if (span !== undefined) {
    const spanContext = spanContextOf(span);
    if (spanContext !== undefined) return trace.setSpanContext(active, spanContext);
    problems.push('span is not a span or a valid span context (ignored)');
  }
  if (typeof responseId === 'string' && responseId !== '') {
    const seen = spanOfResponse(responseId);
    // A response this process did not see (or no longer remembers): the response id alone
    // identifies it; the active span is some other operation, e.g. a feedback request.
    return seen === undefined ? trace.deleteSpan(active) : trace.setSpanContext(active, seen);
  }
  return active;
}

function spanContextOf(value: Span | SpanContext): SpanContext | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const spanContext =
    typeof (value as Span).spanContext === 'function'
      ? (value as Span).spanContext()
      : (value as SpanContext);
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

function text(value: unknown, field: string, max: number, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    problems.push(`${field} is not a string (left out)`);
    return undefined;
  }
  if (value.length > max) {
    problems.push(`${field} is longer than ${max} characters (cut)`);
    return cut(value, max - 1); // the `…` makes it `max`
  }
  return cut(value, max); // well-formed (a lone surrogate would not survive UTF-8)
}

function isAttributeValue(value: unknown): value is AttributeValue {
  const type = typeof value;
  if (type === 'string' || type === 'boolean') return true;
  if (type === 'number') return Number.isFinite(value);
  return (
    Array.isArray(value) &&
    value.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
  );
}

function extraAttributes(extra: Attributes | undefined, problems: string[]): Attributes {
  const out: Attributes = {};
  if (extra === undefined) return out;
  if (typeof extra !== 'object' || extra === null) {
    problems.push('attributes is not an object (left out)');
    return out;
  }
  let count = 0;
  let skipped = 0;
  for (const key of Object.keys(extra)) {
    const value = extra[key];
    if (count >= MAX_EXTRA_ATTRIBUTES || !isAttributeValue(value)) {
      skipped++;
      continue;
    }
    out[key] = value;
    count++;
  }
  if (skipped > 0) {
    problems.push(
      `${skipped} attribute(s) left out (not a valid attribute value, or past ${MAX_EXTRA_ATTRIBUTES})`,
    );
  }
  return out;
}
