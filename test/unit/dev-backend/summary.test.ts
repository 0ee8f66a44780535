import { SeverityNumber } from '@opentelemetry/api-logs';
import { describe, expect, it } from 'vitest';
import { LatencySketch } from '../../../dev-backend/latency-sketch';
import { DevSummary, OTHER, severityOf } from '../../../dev-backend/summary';
import { formatSummary } from '../../../dev-backend/summary-text';
import type {
  OtlpScope,
  ReceivedLogRecord,
  ReceivedSpan,
  RequestRecord,
} from '../../support/backend';

const SCOPE: OtlpScope = { name: 's', version: '', attributes: {}, droppedAttributesCount: 0 };

function span(overrides: Partial<ReceivedSpan> & { durationMs?: number } = {}): ReceivedSpan {
  const { durationMs = 10, ...rest } = overrides;
  const start = 1_700_000_000_000_000_000n;
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: '00f067aa0ba902b7',
    traceState: '',
    parentSpanId: '',
    flags: 1,
    name: 'op',
    kind: 3,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + BigInt(Math.round(durationMs * 1e6))).toString(),
    attributes: {},
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
    resource: {},
    scope: SCOPE,
    ...rest,
  };
}

function log(overrides: Partial<ReceivedLogRecord> = {}): ReceivedLogRecord {
  return {
    timeUnixNano: '1',
    observedTimeUnixNano: '1',
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: 'hello',
    attributes: {},
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    resource: {},
    scope: SCOPE,
    ...overrides,
  };
}

function llm(
  provider: string,
  model: string,
  extra: Record<string, number | string | bigint> = {},
): ReceivedSpan['attributes'] {
  return { 'gen_ai.provider.name': provider, 'gen_ai.request.model': model, ...extra };
}

function request(overrides: Partial<RequestRecord>): RequestRecord {
  return {
    seq: 1,
    method: 'POST',
    path: '/v1/traces',
    route: 'traces',
    query: {},
    headers: {},
    userAgent: undefined,
    contentType: undefined,
    contentEncoding: undefined,
    wireBytes: 100,
    status: 200,
    outcome: 'answered',
    fault: undefined,
    injectedLatencyMs: 0,
    error: undefined,
    startedAt: 0,
    durationMs: 1,
    ...overrides,
  };
}

describe('LatencySketch', () => {
  it('gives mean and max exactly and quantiles within 2 %', () => {
    const sketch = new LatencySketch();
    for (let value = 1; value <= 1000; value++) sketch.add(value);
    const stats = sketch.stats();
    expect(stats.count).toBe(1000);
    expect(stats.mean).toBe(500.5);
    expect(stats.max).toBe(1000);
    expect(stats.p95).toBeGreaterThanOrEqual(950);
    expect(stats.p95).toBeLessThanOrEqual(950 * 1.02);
    expect(stats.p50).toBeGreaterThanOrEqual(500);
    expect(stats.p50).toBeLessThanOrEqual(500 * 1.02);
    sketch.add(-1);
    sketch.add(NaN);
    expect(sketch.stats().count).toBe(1000);
    expect(new LatencySketch().stats()).toEqual({ count: 0, mean: 0, p50: 0, p95: 0, max: 0 });
  });
});

describe('DevSummary', () => {
  it('groups LLM calls by provider and model with tokens, cost, errors and latency', () => {
    const summary = new DevSummary();
    for (let index = 1; index <= 20; index++) {
      summary.addSpan(
        span({
          durationMs: index * 10,
          attributes: llm('openai', 'gpt-4o', {
            'gen_ai.usage.input_tokens': 100,
            'gen_ai.usage.output_tokens': 10,
            'sprintlens.cost.usd': 0.001,
          }),
        }),
      );
    }
    summary.addSpan(
      span({
        attributes: llm('anthropic', 'claude-sonnet-4', { 'error.type': 'RateLimitError' }),
        status: { code: 2, message: 'rate limited' },
      }),
    );
    summary.addSpan(span({ attributes: { 'gen_ai.response.model': 'only-response' } }));
    // An agent span names its model but is no LLM call of its own.
    summary.addSpan(
      span({ attributes: llm('openai', 'gpt-4o', { 'gen_ai.operation.name': 'invoke_agent' }) }),
    );
    summary.addSpan(span({ name: 'db', status: { code: 2, message: 'x'.repeat(500) } }));
    summary.addSpan(span({ name: 'plain' }));

    const { llm: calls, spans, errors } = summary.snapshot();
    expect(spans).toEqual({ total: 25, errors: 2 });
    expect(calls).toMatchObject({ calls: 22, errors: 1, inputTokens: 2000, outputTokens: 200 });
    expect(calls.costUsd).toBeCloseTo(0.02, 10);
    // The rate-limited call and the one without usage have no cost.
    expect(calls.callsWithoutCost).toBe(2);
    const [openai, ...others] = calls.models;
    expect(openai).toMatchObject({ provider: 'openai', model: 'gpt-4o', calls: 20, errors: 0 });
    expect(openai?.latencyMs.mean).toBeCloseTo(105, 6);
    expect(openai?.latencyMs.max).toBeCloseTo(200, 6);
    expect(openai?.latencyMs.p95).toBeGreaterThanOrEqual(190);
    expect(openai?.latencyMs.p95).toBeLessThanOrEqual(200);
    expect(others).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ provider: 'anthropic', model: 'claude-sonnet-4', errors: 1 }),
        expect.objectContaining({ provider: 'unknown', model: 'only-response', calls: 1 }),
      ]),
    );
    expect(errors.types).toEqual([
      expect.objectContaining({
        errorType: 'RateLimitError',
        count: 1,
        lastMessage: 'rate limited',
      }),
      expect.objectContaining({ errorType: '(unset)', count: 1, lastSpanName: 'db' }),
    ]);
    expect(errors.types[1]?.lastMessage.length).toBeLessThanOrEqual(120);
  });

  it('counts logs by severity and pattern, estimating true counts from the sample rate', () => {
    const summary = new DevSummary();
    const pattern = (id: string, template: string, rate?: number) => ({
      'sprintlens.pattern.id': id,
      'log.record.template': template,
      ...(rate === undefined ? {} : { 'sprintlens.sample_rate': rate }),
    });
    for (let index = 0; index < 3; index++) {
      summary.addLogRecord(log({ attributes: pattern('a1', 'user <*> logged in', 5) }));
    }
    summary.addLogRecord(
      log({ severityNumber: SeverityNumber.DEBUG2, attributes: pattern('b2', 'cache <*>', 20) }),
    );
    summary.addLogRecord(
      log({
        severityNumber: SeverityNumber.ERROR,
        body: 'boom',
        attributes: pattern('c3', 'boom'),
      }),
    );
    summary.addLogRecord(log({ severityNumber: 0, severityText: 'warning', body: 'no pattern' }));
    summary.addLogRecord(log({ severityNumber: 0, severityText: '', body: 'plain' }));

    const { logs } = summary.snapshot();
    expect(logs.total).toBe(7);
    expect(logs.estimatedTotal).toBe(3 * 5 + 20 + 1 + 1 + 1);
    expect(logs.bySeverity.INFO).toEqual({ received: 3, estimated: 15 });
    expect(logs.bySeverity.DEBUG).toEqual({ received: 1, estimated: 20 });
    expect(logs.bySeverity.ERROR).toEqual({ received: 1, estimated: 1 });
    expect(logs.bySeverity.WARN).toEqual({ received: 1, estimated: 1 });
    expect(logs.bySeverity.UNSPECIFIED).toEqual({ received: 1, estimated: 1 });
    expect(logs.patterns.slice(0, 3)).toEqual([
      { id: 'b2', template: 'cache <*>', severity: 'DEBUG', received: 1, estimated: 20 },
      { id: 'a1', template: 'user <*> logged in', severity: 'INFO', received: 3, estimated: 15 },
      expect.objectContaining({ id: '', template: '(no pattern)', received: 2 }),
    ]);
    expect(logs.distinctPatterns).toBe(4);
  });

  it('maps severity numbers and texts to classes', () => {
    const of = (severityNumber: number, severityText = '') =>
      severityOf({ severityNumber, severityText });
    expect([1, 4, 5, 9, 13, 17, 21, 24].map((n) => of(n))).toEqual([
      'TRACE',
      'TRACE',
      'DEBUG',
      'INFO',
      'WARN',
      'ERROR',
      'FATAL',
      'FATAL',
    ]);
    expect(of(0, 'error')).toBe('ERROR');
    expect(of(0, 'CRITICAL')).toBe('FATAL');
    expect(of(99, 'nonsense')).toBe('UNSPECIFIED');
  });

  it('folds keys past a cap into one (other) entry, so memory stays bounded', () => {
    const summary = new DevSummary({ limits: { patterns: 3, models: 2, errorTypes: 2 } });
    for (let index = 0; index < 100; index++) {
      summary.addLogRecord(log({ attributes: { 'sprintlens.pattern.id': `p${index}` } }));
      summary.addSpan(
        span({
          attributes: llm('p', `m${index}`, { 'error.type': `E${index}` }),
          status: { code: 2, message: '' },
        }),
      );
    }
    const snapshot = summary.snapshot();
    expect(snapshot.logs.distinctPatterns).toBe(4);
    expect(snapshot.logs.patterns[0]).toMatchObject({ id: OTHER, received: 97 });
    expect(snapshot.llm.models).toHaveLength(3);
    expect(snapshot.llm.models[0]).toMatchObject({ provider: OTHER, model: OTHER, calls: 98 });
    expect(snapshot.errors.types).toHaveLength(3);
    expect(snapshot.llm.calls).toBe(100);
  });

  it('counts requests by route and answer, failures and injected faults', () => {
    const summary = new DevSummary();
    summary.requestEnded(request({}));
    summary.requestEnded(request({ status: 503, fault: 'random-failure' }));
    summary.requestEnded(
      request({ status: undefined, outcome: 'reset-mid-request', fault: 'reset-mid-request' }),
    );
    summary.requestEnded(request({ route: 'policy', path: '/v1/sampling/policy', status: 304 }));
    summary.requestEnded(request({ route: undefined, path: '/nope', status: 404 }));
    const { requests } = summary.snapshot();
    expect(requests).toEqual({
      total: 5,
      failed: 3,
      byRoute: {
        traces: {
          requests: 3,
          bytes: 300,
          statuses: { '200': 1, '503': 1, 'reset-mid-request': 1 },
        },
        policy: { requests: 1, bytes: 100, statuses: { '304': 1 } },
        unknown: { requests: 1, bytes: 100, statuses: { '404': 1 } },
      },
      faults: { 'random-failure': 1, 'reset-mid-request': 1 },
    });
  });

  it('renders a readable text summary', () => {
    let now = Date.parse('2026-01-01T10:00:00Z');
    const summary = new DevSummary({ now: () => now });
    summary.addSpan(
      span({
        durationMs: 412,
        attributes: llm('openai', 'gpt-4o-mini', {
          'gen_ai.usage.input_tokens': 1234,
          'gen_ai.usage.output_tokens': 56,
          'sprintlens.cost.usd': 0.000219,
        }),
      }),
    );
    summary.addSpan(
      span({
        attributes: llm('openai', 'gpt-4o-mini', { 'error.type': 'APIConnectionError' }),
        status: { code: 2, message: 'connection refused' },
      }),
    );
    summary.addLogRecord(
      log({
        attributes: {
          'sprintlens.pattern.id': '9f3c2a71d0b8e641',
          'log.record.template': 'cache hit for key <*>',
          'sprintlens.sample_rate': 10,
        },
      }),
    );
    summary.requestEnded(request({ status: 503, fault: 'random-failure' }));
    now += 65_000;
    const text = formatSummary(summary.snapshot());
    expect(text).toContain(
      '== sprintlens dev-backend summary at 2026-01-01T10:01:05.000Z (up 1m 05s) ==',
    );
    expect(text).toContain('Requests: 1 (1 failed)');
    expect(text).toMatch(/traces\s+1\s+100 B\s+503 x1/);
    expect(text).toContain('injected faults: random-failure x1');
    // The failed call has no cost: the sum is a lower bound, and says so.
    expect(text).toContain(
      'LLM calls: 2 (1 error), 1,234 input / 56 output tokens, $0.000219 + 1 call without a cost',
    );
    expect(text).toMatch(/openai\s+gpt-4o-mini\s+2\s+1\s+1,234\s+56\s+\$0\.000219 \+ 1\?\s+/);
    expect(text).toContain('Logs: 1 received, ~10 logged by the apps');
    expect(text).toContain('INFO 1 (~10)');
    expect(text).toMatch(/cache hit for key <\*>\s+INFO\s+1\s+10/);
    expect(text).toContain('Errors: 1 span with status ERROR');
    expect(text).toMatch(/APIConnectionError\s+1\s+op\s+connection refused/);
    expect(text).toContain('Metrics: 0 data points');
    // Plain text: no escape sequences.
    expect(text).not.toContain('\u001b[');
  });

  it('a model none of whose calls has a cost shows it as unknown, never $0', () => {
    const summary = new DevSummary();
    summary.addSpan(
      span({
        attributes: llm('aws.bedrock', 'custom-model', {
          'gen_ai.usage.input_tokens': 10,
          'gen_ai.usage.output_tokens': 5,
        }),
      }),
    );
    const text = formatSummary(summary.snapshot());
    expect(text).toContain('LLM calls: 1 (0 errors), 10 input / 5 output tokens, cost unknown');
    expect(text).toMatch(/aws\.bedrock\s+custom-model\s+1\s+0\s+10\s+5\s+unknown\s+/);
  });
});
