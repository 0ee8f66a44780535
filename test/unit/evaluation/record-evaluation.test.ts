/**
 * recordEvaluation: the `gen_ai.evaluation.result` event, tied to the evaluated span (the
 * active one, an explicit one, or the span of a response id the LLM pipeline saw), bounded on
 * bad input, never thrown, never dropped by the log sampling, and counted before an SDK.
 */
import { context, diag, logs, SeverityNumber, trace } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PriceBook, wrapLlmMethod } from '../../../instrumentations/genai';
import type { GenAiTelemetry, LlmAdapter } from '../../../instrumentations/genai';
import {
  forgetResponseSpans,
  MAX_REMEMBERED_RESPONSES,
  rememberResponseSpan,
  spanOfResponse,
} from '../../../src/base/response-spans';
import { evaluationCounters } from '../../../src/evaluation/evaluation-metrics';
import {
  MAX_EVALUATION_EXPLANATION_LENGTH,
  recordEvaluation,
} from '../../../src/evaluation/record-evaluation';
import { buildLogSampling, DEFAULT_SAMPLING_SETTINGS } from '../../../src/sampling/log-sampling';
import { captureDiag } from '../../support/llm-instrumentation';

const spanExporter = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({
  spanProcessors: [new SimpleSpanProcessor({ exporter: spanExporter })],
});
const tracer = tracerProvider.getTracer('test');
const logExporter = new InMemoryLogRecordExporter();
const diagLines: string[] = [];

// Log sampling that keeps nothing: every rate 0, no first occurrences, so an ordinary record is
// dropped; evaluation events must still go through.
const sampling = buildLogSampling(
  {
    ...DEFAULT_SAMPLING_SETTINGS,
    rates: { TRACE: 0, DEBUG: 0, INFO: 0, WARN: 0 },
    firstOccurrences: 0,
  },
  new SimpleLogRecordProcessor({ exporter: logExporter }),
  false,
);
const loggerProvider = new LoggerProvider({ processors: [sampling.processor] });

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  logs.setGlobalLoggerProvider(loggerProvider);
});
afterAll(async () => {
  logs.disable();
  context.disable();
  await sampling.shutdown();
});
beforeEach(() => {
  spanExporter.reset();
  logExporter.reset();
  forgetResponseSpans();
  captureDiag(diagLines);
});
afterEach(() => diag.disable());

const records = (): ReadableLogRecord[] => logExporter.getFinishedLogRecords();
function only(): ReadableLogRecord {
  expect(records()).toHaveLength(1);
  return records()[0]!;
}

describe('the event', () => {
  it('is gen_ai.evaluation.result with the semantic-convention attributes, on the active span', () => {
    const span = tracer.startSpan('chat gpt-4o');
    context.with(trace.setSpan(context.active(), span), () =>
      recordEvaluation({
        name: 'relevance',
        score: 0.75,
        label: 'relevant',
        explanation: 'answers the question',
        passed: true,
      }),
    );
    span.end();
    const record = only();
    expect(record.eventName).toBe('gen_ai.evaluation.result');
    expect(record.severityNumber).toBe(SeverityNumber.INFO);
    expect(record.attributes).toEqual({
      'gen_ai.evaluation.name': 'relevance',
      'gen_ai.evaluation.score.value': 0.75,
      'gen_ai.evaluation.score.label': 'relevant',
      'gen_ai.evaluation.explanation': 'answers the question',
      'sprintlens.evaluation.passed': true,
    });
    expect(record.spanContext?.traceId).toBe(span.spanContext().traceId);
    expect(record.spanContext?.spanId).toBe(span.spanContext().spanId);
    expect(record.instrumentationScope.name).toBe('sprintlens.evaluation');
  });

  it('carries its event name on the wire (OTLP LogRecord field 12, event_name)', () => {
    recordEvaluation({ name: 'relevance', score: 1 });
    const body = ProtobufLogsSerializer.serializeRequest([only()]);
    const name = Buffer.from('gen_ai.evaluation.result');
    // Field 12, wire type 2 (length-delimited): tag byte 0x62, then the length, then the text.
    const field = Buffer.concat([Buffer.from([0x62, name.length]), name]);
    expect(Buffer.from(body!).includes(field)).toBe(true);
  });

  it('is tied to an explicit span or span context rather than the active one', () => {
    const evaluated = tracer.startSpan('evaluated');
    const active = tracer.startSpan('active');
    context.with(trace.setSpan(context.active(), active), () => {
      recordEvaluation({ name: 'a', score: 1, span: evaluated });
      recordEvaluation({ name: 'b', score: 1, span: evaluated.spanContext() });
    });
    for (const record of records()) {
      expect(record.spanContext?.spanId).toBe(evaluated.spanContext().spanId);
    }
    expect(records()).toHaveLength(2);
  });

  it('keeps its extra attributes, which cannot replace its own', () => {
    recordEvaluation({
      name: 'feedback',
      label: 'thumbs_up',
      attributes: {
        'user.id': 'u-1',
        'gen_ai.evaluation.name': 'other',
        bad: { nested: 1 } as never,
      },
    });
    const record = only();
    expect(record.attributes['user.id']).toBe('u-1');
    expect(record.attributes['gen_ai.evaluation.name']).toBe('feedback');
    expect(record.attributes.bad).toBeUndefined();
    expect(diagLines.join('\n')).toContain('SL_EVALUATION_INVALID_RECORD');
  });

  it('is never dropped by log sampling that drops every ordinary record', () => {
    const logger = loggerProvider.getLogger('app');
    logger.emit({ body: 'an ordinary line', severityNumber: SeverityNumber.INFO });
    recordEvaluation({ name: 'relevance', score: 1 });
    logger.emit({ body: 'an ordinary line', severityNumber: SeverityNumber.INFO });
    const record = only();
    expect(record.eventName).toBe('gen_ai.evaluation.result');
    // Not a log line: no pattern id, template or sample rate stamped on it.
    expect(Object.keys(record.attributes).filter((k) => k.startsWith('sprintlens.'))).toEqual([]);
    expect(record.attributes['log.record.template']).toBeUndefined();
  });
});

describe('by response id', () => {
  /** An LLM method, through the real pipeline, whose response carries `id`. */
  function llmMethod(id: string): () => Promise<unknown> {
    const adapter: LlmAdapter = {
      request: () => ({
        operation: 'chat',
        provider: 'fake',
        requestModel: 'fake-model',
        serverAddress: undefined,
        serverPort: undefined,
        attributes: {},
      }),
      readResult: (call, result) => {
        call.responseId = (result as { id: string }).id;
      },
    };
    const telemetry: GenAiTelemetry = {
      tracer,
      metrics: undefined,
      prices: new PriceBook([]),
      content: undefined,
    };
    const original = async () => ({ id });
    return wrapLlmMethod(adapter, () => telemetry)(original) as () => Promise<unknown>;
  }

  it('finds the span of a response the LLM pipeline saw, later and outside it', async () => {
    await llmMethod('chatcmpl-abc')();
    const llmSpan = spanExporter.getFinishedSpans().find((s) => s.name === 'chat fake-model')!;
    // Later, in another operation (a feedback request): the response id wins over its span.
    const other = tracer.startSpan('POST /feedback');
    context.with(trace.setSpan(context.active(), other), () =>
      recordEvaluation({ name: 'user_feedback', label: 'thumbs_down', responseId: 'chatcmpl-abc' }),
    );
    const record = only();
    expect(record.attributes['gen_ai.response.id']).toBe('chatcmpl-abc');
    expect(record.spanContext?.traceId).toBe(llmSpan.spanContext().traceId);
    expect(record.spanContext?.spanId).toBe(llmSpan.spanContext().spanId);
  });

  it('ties an unknown response id to no span, not to the unrelated active one', () => {
    const other = tracer.startSpan('POST /feedback');
    context.with(trace.setSpan(context.active(), other), () =>
      recordEvaluation({ name: 'user_feedback', score: 0, responseId: 'never-seen' }),
    );
    const record = only();
    expect(record.attributes['gen_ai.response.id']).toBe('never-seen');
    expect(record.spanContext).toBeUndefined();
  });

  it('remembers the most recent responses only, up to the bound', () => {
    const spanContext = tracer.startSpan('x').spanContext();
    for (let i = 0; i <= MAX_REMEMBERED_RESPONSES; i++) rememberResponseSpan(`r-${i}`, spanContext);
    expect(spanOfResponse('r-0')).toBeUndefined();
    expect(spanOfResponse('r-1')).toBe(spanContext);
    expect(spanOfResponse(`r-${MAX_REMEMBERED_RESPONSES}`)).toBe(spanContext);
    // Seen again, an id becomes the most recent: it outlives the ones after it.
    rememberResponseSpan('r-1', spanContext);
    rememberResponseSpan('r-new', spanContext);
    expect(spanOfResponse('r-1')).toBe(spanContext);
    expect(spanOfResponse('r-2')).toBeUndefined();
  });
});

describe('bad input', () => {
  it('without a name records nothing, reports a coded warning, and counts it', () => {
    const before = evaluationCounters.rejected;
    expect(() => recordEvaluation({ name: '', score: 1 })).not.toThrow();
    expect(() => recordEvaluation(undefined as never)).not.toThrow();
    expect(() => recordEvaluation({ score: 1 } as never)).not.toThrow();
    expect(records()).toHaveLength(0);
    expect(evaluationCounters.rejected).toBe(before + 3);
    expect(diagLines.join('\n')).toMatch(/SL_EVALUATION_INVALID_RECORD recordEvaluation: no name/);
  });

  it('records a NaN or infinite score without the score, with a warning', () => {
    recordEvaluation({ name: 'nan', score: Number.NaN, label: 'broken' });
    recordEvaluation({ name: 'inf', score: Number.POSITIVE_INFINITY });
    recordEvaluation({ name: 'text', score: '0.5' as never });
    expect(records()).toHaveLength(3);
    for (const record of records()) {
      expect(record.attributes['gen_ai.evaluation.score.value']).toBeUndefined();
    }
    expect(records()[0]!.attributes['gen_ai.evaluation.score.label']).toBe('broken');
    expect(diagLines.join('\n')).toContain('the score is not a finite number');
  });

  it('cuts a huge explanation, name or label to its bound, with a warning', () => {
    recordEvaluation({
      name: 'n'.repeat(10_000),
      label: 'l'.repeat(10_000),
      explanation: 'why '.repeat(1_000_000),
    });
    const attributes: Attributes = only().attributes;
    expect(attributes['gen_ai.evaluation.explanation']).toHaveLength(
      MAX_EVALUATION_EXPLANATION_LENGTH,
    );
    expect(String(attributes['gen_ai.evaluation.explanation']).endsWith('…')).toBe(true);
    expect(attributes['gen_ai.evaluation.name']).toHaveLength(256);
    expect(attributes['gen_ai.evaluation.score.label']).toHaveLength(256);
    expect(diagLines.join('\n')).toMatch(/explanation is longer than 4096 characters \(cut\)/);
  });

  it('never throws, whatever the options object does', () => {
    const hostile = {
      get name(): string {
        throw new Error('getter exploded');
      },
    };
    expect(() => recordEvaluation(hostile as never)).not.toThrow();
    expect(() => recordEvaluation({ name: 'x', span: 42 as never })).not.toThrow();
    expect(records()).toHaveLength(1); // the second, without its bad span
    expect(diagLines.join('\n')).toContain('SL_EVALUATION_INVALID_RECORD');
  });
});

describe('with no logger provider (before start)', () => {
  it('exports nothing, counts it, and says so with a coded warning', () => {
    logs.disable();
    try {
      const before = evaluationCounters.notExported;
      recordEvaluation({ name: 'early', score: 1 });
      expect(evaluationCounters.notExported).toBe(before + 1);
      expect(records()).toHaveLength(0);
      expect(diagLines.join('\n')).toContain('SL_EVALUATION_NOT_EXPORTED');
    } finally {
      logs.setGlobalLoggerProvider(loggerProvider);
    }
    // The provider registered again: the next call is exported (the logger is looked up anew).
    recordEvaluation({ name: 'late', score: 1 });
    expect(only().attributes['gen_ai.evaluation.name']).toBe('late');
  });
});
