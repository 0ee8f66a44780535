/**
 * The pino instrumentation's in-process cases, for each pino given: the unit tier runs them on
 * the repository's pino 10 (test/unit/instrumentations/pino.test.ts), the integration tier on the
 * version matrix's pino 9 (test/integration/version-matrix/pino.test.ts).
 */
import { SeverityNumber } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { PinoInstrumentation } from '../../../instrumentations/pino';
import { PINO_PATCHED } from '../../../instrumentations/pino/instrumentation';
import {
  PATTERN_ID_ATTRIBUTE,
  SAMPLE_RATE_ATTRIBUTE,
  setActiveLogSampler,
  TEMPLATE_ATTRIBUTE,
} from '../../../src/sampling/log-sampler';
import { selfMetrics } from '../../../src/base/self-metrics';
import { templatePattern } from '../../../src/sampling/printf-template';
import { hostileValues, installSampler, LineSink, logHarnessForFile } from './harness';

type LogFn = (...args: unknown[]) => void;
interface PinoLogger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  child(bindings: object): PinoLogger;
}
export type PinoFactory = (options?: object, stream?: object) => PinoLogger;

/** A pino to test: its label (`pino 10`) and how to load it (patched once loaded). */
export interface PinoVersion {
  readonly label: string;
  load(): PinoFactory;
}

/** A counter of sprintlens's registry, as a scrape reads it. */
async function counter(name: string): Promise<number> {
  const metric = selfMetrics().registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return values[0]?.value ?? 0;
}

// No timestamp, no pid/hostname: lines are comparable between runs.
const OPTIONS = { timestamp: false, base: undefined, level: 'trace' };

/**
 * Registers the cases for each of `versions` on a log harness for the test file, and returns the
 * instrumentation they run under.
 */
export function pinoVersionTests(versions: readonly PinoVersion[]): PinoInstrumentation {
  const instrumentation = new PinoInstrumentation();
  const harness = logHarnessForFile(instrumentation);

  /** The same calls through a disabled instrumentation (plain pino) and an enabled one. */
  function writeBoth(
    pino: PinoFactory,
    calls: (log: ReturnType<PinoFactory>) => void,
  ): {
    plain: string[];
    instrumented: string[];
  } {
    instrumentation.disable();
    const plainSink = new LineSink();
    calls(pino(OPTIONS, plainSink));
    instrumentation.enable();
    const sink = new LineSink();
    calls(pino(OPTIONS, sink));
    return { plain: plainSink.lines, instrumented: sink.lines };
  }

  describe.each(versions)('$label', ({ load }) => {
    it('is patched: the factory is our wrapper and exposes pino’s own properties', () => {
      const pino = load() as unknown as Record<string | symbol, unknown>;
      expect(pino[PINO_PATCHED]).toBe(true);
      expect(typeof pino.destination).toBe('function');
      expect(typeof pino.symbols).toBe('object');
      expect(pino.default).toBe(pino);
    });

    it('emits one record per line with severity, body, fields, bindings and the span ids', () => {
      const pino = load();
      const sink = new LineSink();
      const log = pino(OPTIONS, sink);
      const ids = harness.inSpan(() => {
        log
          .child({ requestId: 'r-1' })
          .info({ user: { id: 7, role: 'admin' } }, 'user %s logged in', 'ann');
        log.warn('disk at %d%%', 91);
        log.error(new Error('boom'));
        log.debug('plain message');
      });
      const records = harness.records();
      expect(records.map((r) => r.severityNumber)).toEqual([
        SeverityNumber.INFO,
        SeverityNumber.WARN,
        SeverityNumber.ERROR,
        SeverityNumber.DEBUG,
      ]);
      expect(records.map((r) => r.severityText)).toEqual(['info', 'warn', 'error', 'debug']);
      expect(records.map((r) => r.body)).toEqual([
        'user ann logged in',
        'disk at 91%',
        'boom',
        'plain message',
      ]);
      const [info, warn, error, debug] = records;
      expect(info!.attributes).toMatchObject({
        requestId: 'r-1',
        'user.id': 7,
        'user.role': 'admin',
        [TEMPLATE_ATTRIBUTE]: 'user %s logged in',
      });
      expect(warn!.attributes[TEMPLATE_ATTRIBUTE]).toBe('disk at %d%%');
      expect(error!.attributes['exception.type']).toBe('Error');
      expect(error!.attributes['exception.message']).toBe('boom');
      expect(String(error!.attributes['exception.stacktrace'])).toContain('pino-cases.ts');
      expect(debug!.attributes[TEMPLATE_ATTRIBUTE]).toBeUndefined();
      for (const record of records) {
        expect(record.spanContext?.traceId).toBe(ids.traceId);
        expect(record.spanContext?.spanId).toBe(ids.spanId);
      }
      // pino's own lines carry the correlation fields inside the span…
      const first = JSON.parse(sink.lines[0]!) as Record<string, unknown>;
      expect(first).toMatchObject({
        trace_id: ids.traceId,
        span_id: ids.spanId,
        trace_flags: '01',
      });
      expect(first.msg).toBe('user ann logged in');
      // …and not outside it.
      log.info('outside');
      expect(JSON.parse(sink.lines.at(-1)!)).not.toHaveProperty('trace_id');
      expect(harness.records().at(-1)!.spanContext).toBeUndefined();
    });

    it('writes byte-identical lines to plain pino outside spans, whatever the values', () => {
      const pino = load();
      const values = hostileValues();
      const { plain, instrumented } = writeBoth(pino, (log) => {
        log.info(values, 'hostile %s', 'fields');
        log.info({ err: values.error }, 'with error');
        log.warn(values.huge);
        log.error(values.broken);
        log.info({ a: undefined, big: 1n }, 'bigint %d', 5n);
        log.info(Buffer.from('raw'), 'buffer first');
        log.info(null);
        log.info(undefined, 'undefined first');
      });
      expect(instrumented).toEqual(plain);
      expect(instrumented).toHaveLength(8);
      const records = harness.records();
      expect(records).toHaveLength(8);
      const first = records[0]!;
      expect(first.attributes['circular.self']).toBe('[Circular]');
      expect(first.attributes.big).toBe('12345678901234567890');
      expect(first.attributes.buffer).toBe('[Buffer 11 bytes]');
      expect(first.attributes['exception.type']).toBe('TypeError');
      expect(first.attributes).not.toHaveProperty('nothing');
      expect(String(first.attributes.huge).length).toBeLessThanOrEqual(4097);
      expect(first.attributes.broken).toBe('lone \ufffd surrogate');
      expect(String(records[2]!.body).length).toBeLessThanOrEqual(16_385);
      expect(records[3]!.body).toBe('lone \ufffd surrogate');
    });

    it('inside a span, differs from plain pino only by the trace fields', () => {
      const pino = load();
      const strip = (line: string): string => {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        delete parsed.trace_id;
        delete parsed.span_id;
        delete parsed.trace_flags;
        return JSON.stringify(parsed);
      };
      const { plain, instrumented } = writeBoth(pino, (log) =>
        harness.inSpan(() => log.info({ order: 42 }, 'order %d shipped', 42)),
      );
      expect(instrumented[0]).toContain('"trace_id"');
      expect(instrumented.map(strip)).toEqual(plain.map(strip));
    });

    it('keeps a user mixin and logMethod hook working', () => {
      const pino = load();
      const sink = new LineSink();
      const seen: unknown[] = [];
      const log = pino(
        {
          ...OPTIONS,
          mixin: () => ({ app: 'demo' }),
          hooks: {
            logMethod(this: unknown, args: unknown[], method: (...a: unknown[]) => void) {
              seen.push(args[0]);
              method.apply(this, ['[hooked] ' + String(args[0])]);
            },
          },
        },
        sink,
      );
      harness.inSpan(() => log.info('hello'));
      expect(seen).toEqual(['hello']);
      const line = JSON.parse(sink.lines[0]!) as Record<string, unknown>;
      expect(line).toMatchObject({ app: 'demo', msg: '[hooked] hello' });
      expect(line.trace_id).toEqual(expect.any(String));
      expect(harness.records()[0]!.body).toBe('[hooked] hello');
    });

    it('scope all: a dropped line is neither written nor emitted; a kept one carries the decision', () => {
      const pino = load();
      const sampler = installSampler('all'); // DEBUG dropped, INFO kept
      const sink = new LineSink();
      const log = pino(OPTIONS, sink);
      harness.inSpan(() => {
        log.debug('please drop me %s', 'now');
        log.info('keep %s', 'me');
        log.error('drop is ignored for errors');
        log.fatal({ k: 1 }, 'drop fatal too');
      });
      expect(sink.lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual([
        'keep me',
        'drop is ignored for errors',
        'drop fatal too',
      ]);
      const records = harness.records();
      expect(records.map((r) => r.body)).toEqual([
        'keep me',
        'drop is ignored for errors',
        'drop fatal too',
      ]);
      // The sampler's decision, attached: the pattern of the template, not of the line.
      const keep = templatePattern('keep %s');
      expect(records[0]!.attributes).toMatchObject({
        [PATTERN_ID_ATTRIBUTE]: keep.id,
        [TEMPLATE_ATTRIBUTE]: keep.template,
        [SAMPLE_RATE_ATTRIBUTE]: 1,
      });
      expect(sampler.inputs().map((i) => i.template)).toEqual([
        'please drop me %s',
        'keep %s',
        undefined,
        undefined,
      ]);
      expect(sampler.inputs()[0]!.traceId).toMatch(/^[0-9a-f]{32}$/);
    });

    it('scope export: every line is written; only kept lines become records, decided once', () => {
      const pino = load();
      const sampler = installSampler('export'); // DEBUG dropped, INFO kept
      const sink = new LineSink();
      const log = pino(OPTIONS, sink);
      log.debug('please drop me %s', 'now');
      log.info('keep %s', 'me');
      log.error('drop is ignored for errors');
      expect(sink.lines).toHaveLength(3);
      const records = harness.records();
      expect(records.map((r) => r.body)).toEqual(['keep me', 'drop is ignored for errors']);
      expect(records[0]!.attributes[SAMPLE_RATE_ATTRIBUTE]).toBe(1);
      expect(records[0]!.attributes[PATTERN_ID_ATTRIBUTE]).toBe(templatePattern('keep %s').id);
      expect(sampler.inputs()).toHaveLength(3);
      expect(sampler.sampler.seen.reduce((a, b) => a + b)).toBe(3);
    });

    it('counts what it does not pass on: lines not written, records not built, fields over the bound', async () => {
      const pino = load();
      const log = pino(OPTIONS, new LineSink());
      const before = {
        lines: await counter('sprintlens_log_lines_not_written_total'),
        records: await counter('sprintlens_log_records_not_built_total'),
        fields: await counter('sprintlens_log_fields_dropped_total'),
      };
      installSampler('all');
      log.debug('drop %s', 'one');
      log.debug('drop %s', 'two');
      installSampler('export');
      log.debug('drop %s', 'three');
      setActiveLogSampler(undefined);
      const wide: Record<string, number> = {};
      for (let i = 0; i < 70; i++) wide[`f${i}`] = i;
      log.info(wide, 'wide');
      expect(await counter('sprintlens_log_lines_not_written_total')).toBe(before.lines + 2);
      expect(await counter('sprintlens_log_records_not_built_total')).toBe(before.records + 1);
      expect(await counter('sprintlens_log_fields_dropped_total')).toBe(before.fields + 6);
      expect(Object.keys(harness.records().at(-1)!.attributes)).toHaveLength(64);
    });

    it('disabled: plain pino, no records, no trace fields', () => {
      const pino = load();
      instrumentation.disable();
      installSampler('all'); // would drop the DEBUG line
      const sink = new LineSink();
      const log = pino(OPTIONS, sink);
      harness.inSpan(() => log.debug('drop nothing when disabled'));
      expect(sink.lines).toHaveLength(1);
      expect(sink.lines[0]).not.toContain('trace_id');
      expect(harness.records()).toEqual([]);
    });
  });

  return instrumentation;
}
