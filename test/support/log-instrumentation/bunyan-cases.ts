/**
 * The bunyan instrumentation's in-process cases, for each bunyan given: the unit tier runs them
 * on the repository's bunyan 2 (test/unit/instrumentations/bunyan.test.ts), the integration tier
 * on the version matrix's bunyan 1 (test/integration/version-matrix/bunyan.test.ts).
 */
import { SeverityNumber } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { BunyanInstrumentation } from '../../../instrumentations/bunyan';
import { logPattern } from '../../../src/sampling/log-pattern';
import { PATTERN_ID_ATTRIBUTE, SAMPLE_RATE_ATTRIBUTE } from '../../../src/sampling/log-sampler';
import { hostileValues, installSampler, LineSink, logHarnessForFile } from './harness';

type LogFn = (...args: unknown[]) => unknown;
interface BunyanLogger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  child(fields: object): BunyanLogger;
}
export interface BunyanLike {
  createLogger(options: object): BunyanLogger;
  stdSerializers: Record<string, unknown>;
}

/** A bunyan to test: its label (`bunyan 2`) and how to load it (patched once loaded). */
export interface BunyanVersion {
  readonly label: string;
  load(): BunyanLike;
}

function makeLogger(bunyan: BunyanLike, sink: LineSink): BunyanLogger {
  return bunyan.createLogger({
    name: 'shop',
    level: 'trace',
    streams: [{ stream: sink, level: 'trace' }],
    serializers: bunyan.stdSerializers,
  });
}

/** A line without its time (differs between two runs). */
function stable(line: string): string {
  const parsed = JSON.parse(line) as Record<string, unknown>;
  delete parsed.time;
  return JSON.stringify(parsed);
}

/** Registers the cases for each of `versions` on a log harness for the test file. */
export function bunyanVersionTests(versions: readonly BunyanVersion[]): void {
  const instrumentation = new BunyanInstrumentation();
  const harness = logHarnessForFile(instrumentation);

  describe.each(versions)('$label', ({ load }) => {
    it('emits one record per line with severity, body, fields, exception, time and span ids', () => {
      const bunyan = load();
      const sink = new LineSink();
      const log = makeLogger(bunyan, sink);
      const ids = harness.inSpan(() => {
        log.child({ requestId: 'r-2' }).info({ cart: { items: 3 } }, 'cart of %d items', 3);
        log.warn('low stock');
        log.error(new RangeError('out of range'), 'failed');
        log.trace('tracing');
      });
      const records = harness.records();
      expect(records.map((r) => r.severityNumber)).toEqual([
        SeverityNumber.INFO,
        SeverityNumber.WARN,
        SeverityNumber.ERROR,
        SeverityNumber.TRACE,
      ]);
      expect(records.map((r) => r.severityText)).toEqual(['info', 'warn', 'error', 'trace']);
      expect(records.map((r) => r.body)).toEqual([
        'cart of 3 items',
        'low stock',
        'failed',
        'tracing',
      ]);
      expect(records[0]!.attributes).toMatchObject({ requestId: 'r-2', 'cart.items': 3 });
      expect(records[0]!.attributes).not.toHaveProperty('hostname');
      expect(records[2]!.attributes).toMatchObject({
        'exception.type': 'RangeError',
        'exception.message': 'out of range',
      });
      const line = JSON.parse(sink.lines[0]!) as Record<string, unknown>;
      expect(line).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId, trace_flags: '01' });
      expect(records[0]!.hrTime[0] * 1000 + Math.floor(records[0]!.hrTime[1] / 1e6)).toBe(
        Date.parse(String(line.time)),
      );
      for (const record of records) expect(record.spanContext?.spanId).toBe(ids.spanId);
      log.info('outside');
      expect(sink.lines.at(-1)).not.toContain('trace_id');
    });

    it('writes what plain bunyan writes outside spans, whatever the values', () => {
      const bunyan = load();
      const values = hostileValues();
      delete values.big; // bunyan itself cannot serialise a BigInt (it throws, with or without us)
      const calls = (log: BunyanLogger): void => {
        log.info(values, 'hostile %s', 'fields');
        log.warn(values.huge);
        log.error({ err: values.error }, 'with error');
        log.info(Buffer.from('raw'), 'buffer first');
        log.info(values.broken);
      };
      instrumentation.disable();
      const plain = new LineSink();
      calls(makeLogger(bunyan, plain));
      instrumentation.enable();
      const instrumented = new LineSink();
      calls(makeLogger(bunyan, instrumented));
      const a = instrumented.lines.map(stable);
      const b = plain.lines.map(stable);
      expect(a.map((l) => l.length)).toEqual(b.map((l) => l.length));
      expect(a.join('\n') === b.join('\n')).toBe(true);
      const records = harness.records();
      expect(records).toHaveLength(5);
      expect(records[0]!.attributes['circular.self']).toBe('[Circular]');
      expect(records[2]!.attributes['exception.type']).toBe('TypeError');
    });

    it('scope all: a dropped record is not written; a kept one carries the decision', () => {
      const bunyan = load();
      installSampler('all'); // DEBUG dropped, INFO kept
      const sink = new LineSink();
      const log = makeLogger(bunyan, sink);
      log.debug('drop me');
      log.info('keep me');
      log.fatal('drop ignored for fatal');
      expect(sink.lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual([
        'keep me',
        'drop ignored for fatal',
      ]);
      const records = harness.records();
      expect(records).toHaveLength(2);
      expect(records[0]!.attributes).toMatchObject({
        [PATTERN_ID_ATTRIBUTE]: logPattern('keep me').id,
        [SAMPLE_RATE_ATTRIBUTE]: 1,
      });
    });

    it('disabled: no records and no trace fields', () => {
      const bunyan = load();
      instrumentation.disable();
      const sink = new LineSink();
      harness.inSpan(() => makeLogger(bunyan, sink).info('hello'));
      expect(sink.lines).toHaveLength(1);
      expect(sink.lines[0]).not.toContain('trace_id');
      expect(harness.records()).toEqual([]);
    });
  });
}
