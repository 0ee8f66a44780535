import { SeverityNumber } from '@opentelemetry/api';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { WinstonInstrumentation } from '../../../instrumentations/winston';
import {
  PATTERN_ID_ATTRIBUTE,
  SAMPLE_RATE_ATTRIBUTE,
  TEMPLATE_ATTRIBUTE,
} from '../../../src/sampling/log-sampler';
import { templatePattern } from '../../../src/sampling/printf-template';
import { REPO_ROOT } from '../../support/paths';
import {
  hostileValues,
  installSampler,
  logHarnessForFile,
} from '../../support/log-instrumentation/harness';

type LogFn = (...args: unknown[]) => unknown;
interface WinstonLogger {
  silly: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(meta: object): WinstonLogger;
}
interface WinstonLike {
  createLogger(options: object): WinstonLogger;
  format: { combine(...formats: unknown[]): unknown; splat(): unknown; json(): unknown };
  transports: { Stream: new (options: object) => unknown };
}

const instrumentation = new WinstonInstrumentation();
const harness = logHarnessForFile(instrumentation);
let winston: WinstonLike;

beforeAll(() => {
  winston = createRequire(join(REPO_ROOT, 'package.json'))('winston') as WinstonLike;
});

/** A logger writing JSON lines (with splat interpolation) into `lines`. */
function makeLogger(lines: string[], level = 'silly'): ReturnType<WinstonLike['createLogger']> {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return winston.createLogger({
    level,
    defaultMeta: { service: 'checkout' },
    format: winston.format.combine(winston.format.splat(), winston.format.json()),
    transports: [new winston.transports.Stream({ stream })],
  });
}

describe('winston 3', () => {
  it('emits one record per enabled line with severity, interpolated body, template, meta, span ids', () => {
    const lines: string[] = [];
    const log = makeLogger(lines, 'debug');
    const ids = harness.inSpan(() => {
      log.info('user %s logged in', 'ann', { tenant: 't1' });
      log.warn('disk full', { disk: { used: 0.97 } });
      log.error('failed', new Error('boom'));
      log.child({ requestId: 'r-9' }).debug('child line');
      log.silly('below the level');
    });
    const records = harness.records();
    expect(records.map((r) => r.severityNumber)).toEqual([
      SeverityNumber.INFO,
      SeverityNumber.WARN,
      SeverityNumber.ERROR,
      SeverityNumber.DEBUG,
    ]);
    expect(records.map((r) => r.severityText)).toEqual(['info', 'warn', 'error', 'debug']);
    expect(records[0]!.body).toBe('user ann logged in');
    expect(records[0]!.attributes).toMatchObject({
      service: 'checkout',
      [TEMPLATE_ATTRIBUTE]: 'user %s logged in',
    });
    expect(records[1]!.attributes['disk.used']).toBe(0.97);
    expect(records[2]!.body).toBe('failed boom');
    expect(String(records[2]!.attributes['exception.stacktrace'])).toContain('winston.test.ts');
    expect(records[3]!.attributes.requestId).toBe('r-9');
    for (const record of records) {
      expect(record.spanContext?.traceId).toBe(ids.traceId);
      expect(record.spanContext?.spanId).toBe(ids.spanId);
      expect(record.attributes).not.toHaveProperty('trace_id');
    }
    expect(lines).toHaveLength(4);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({
      message: 'user ann logged in',
      trace_id: ids.traceId,
      span_id: ids.spanId,
      trace_flags: '01',
    });
    log.info('outside');
    expect(lines.at(-1)).not.toContain('trace_id');
  });

  it('writes what plain winston writes outside spans, whatever the values', () => {
    let values = hostileValues();
    const calls = (log: ReturnType<WinstonLike['createLogger']>): void => {
      values = hostileValues(); // winston mutates what it logs: fresh values per run
      log.info('hostile %s', 'fields', values);
      log.warn(values.huge as string);
      log.error(values.error);
      log.info('broken', { text: values.broken, big: values.big });
    };
    instrumentation.disable();
    const plain: string[] = [];
    calls(makeLogger(plain));
    instrumentation.enable();
    const instrumented: string[] = [];
    calls(makeLogger(instrumented));
    // Compare lengths first: a 1 MB diff would drown the report.
    expect(instrumented.map((l) => l.length)).toEqual(plain.map((l) => l.length));
    expect(instrumented.join('') === plain.join('')).toBe(true);
    expect(instrumented).toHaveLength(4);
    const records = harness.records();
    expect(records).toHaveLength(4);
    expect(records[2]!.attributes['exception.type']).toBe('TypeError');
    expect(records[3]!.attributes['text']).toBe('lone \ufffd surrogate');
    expect(records[3]!.attributes['big']).toBe('12345678901234567890');
  });

  it('scope all: a dropped line reaches no transport and no exporter', () => {
    const sampler = installSampler('all'); // DEBUG dropped, INFO kept
    const lines: string[] = [];
    const log = makeLogger(lines);
    log.debug('please drop %s', 'this');
    log.info('keep %s', 'this');
    log.error('drop ignored for errors');
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual([
      'keep this',
      'drop ignored for errors',
    ]);
    const records = harness.records();
    expect(records).toHaveLength(2);
    // The sampler's decision, attached: the pattern of the template, not of the line.
    const keep = templatePattern('keep %s');
    expect(records[0]!.attributes).toMatchObject({
      [PATTERN_ID_ATTRIBUTE]: keep.id,
      [SAMPLE_RATE_ATTRIBUTE]: 1,
      [TEMPLATE_ATTRIBUTE]: keep.template,
    });
    expect(sampler.inputs().map((i) => i.template)).toEqual([
      'please drop %s',
      'keep %s',
      undefined,
    ]);
  });

  it('disabled: no records and no trace fields', () => {
    instrumentation.disable();
    const lines: string[] = [];
    const log = makeLogger(lines);
    harness.inSpan(() => log.info('hello'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('trace_id');
    expect(harness.records()).toEqual([]);
  });
});
