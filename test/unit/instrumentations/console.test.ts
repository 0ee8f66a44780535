import { SeverityNumber } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleInstrumentation } from '../../../instrumentations/console';
import {
  PATTERN_ID_ATTRIBUTE,
  SAMPLE_RATE_ATTRIBUTE,
  setActiveLogSampler,
  TEMPLATE_ATTRIBUTE,
} from '../../../src/sampling/log-sampler';
import { templatePattern } from '../../../src/sampling/printf-template';
import {
  DropAllSampler,
  hostileValues,
  installSampler,
  logHarness,
  shutdownSamplers,
} from '../../support/log-instrumentation/harness';
import type { LogHarness } from '../../support/log-instrumentation/harness';

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
type Method = (typeof METHODS)[number];

// What console would have printed: the methods underneath ours record their calls (the real
// console output is checked in spawned processes by test/integration/logs.test.ts).
const printed: { method: Method; args: unknown[] }[] = [];
const saved = new Map<Method, (...args: unknown[]) => void>();
/** The recording methods installed before the instrumentation patched console. */
const installed = new Map<Method, (...args: unknown[]) => void>();
let instrumentation: ConsoleInstrumentation;
let harness: LogHarness;

beforeAll(() => {
  for (const method of METHODS) {
    saved.set(method, console[method]);
    const record = (...args: unknown[]): void => {
      printed.push({ method, args });
    };
    installed.set(method, record);
    console[method] = record;
  }
  instrumentation = new ConsoleInstrumentation();
  harness = logHarness(instrumentation);
});
afterEach(async () => {
  harness.reset();
  printed.length = 0;
  setActiveLogSampler(undefined);
  await shutdownSamplers();
  instrumentation.enable();
});
afterAll(async () => {
  instrumentation.disable();
  for (const [method, fn] of saved) console[method] = fn;
  await harness.close();
});

describe('console', () => {
  it('emits a record per call with the method’s severity, util.format body, template and span ids', () => {
    const ids = harness.inSpan(() => {
      console.log('user %s logged in', 'ann');
      console.info('plain info');
      console.warn('careful', { n: 1 });
      console.error('failed:', new RangeError('bad range'));
      console.debug('%d items', 3);
    });
    const records = harness.records();
    expect(records.map((r) => r.severityNumber)).toEqual([
      SeverityNumber.INFO,
      SeverityNumber.INFO,
      SeverityNumber.WARN,
      SeverityNumber.ERROR,
      SeverityNumber.DEBUG,
    ]);
    expect(records.map((r) => r.severityText)).toEqual(['log', 'info', 'warn', 'error', 'debug']);
    expect(records.map((r) => r.body).slice(0, 3)).toEqual([
      'user ann logged in',
      'plain info',
      'careful { n: 1 }',
    ]);
    expect(String(records[3]!.body)).toMatch(/^failed: RangeError: bad range/);
    expect(records[3]!.attributes).toMatchObject({
      'exception.type': 'RangeError',
      'exception.message': 'bad range',
    });
    expect(records[0]!.attributes[TEMPLATE_ATTRIBUTE]).toBe('user %s logged in');
    expect(records[1]!.attributes[TEMPLATE_ATTRIBUTE]).toBeUndefined();
    expect(records[4]!.attributes[TEMPLATE_ATTRIBUTE]).toBe('%d items');
    for (const record of records) {
      expect(record.spanContext?.traceId).toBe(ids.traceId);
      expect(record.spanContext?.spanId).toBe(ids.spanId);
    }
    // What console prints is unchanged: the same arguments reach the method underneath.
    expect(printed.map((p) => p.method)).toEqual(['log', 'info', 'warn', 'error', 'debug']);
    expect(printed[0]!.args).toEqual(['user %s logged in', 'ann']);
  });

  it('console.trace: one TRACE record, even though Node’s trace calls console.error itself', () => {
    console.trace('where am I');
    const records = harness.records();
    expect(records).toHaveLength(1);
    expect(records[0]!.severityNumber).toBe(SeverityNumber.TRACE);
    expect(records[0]!.body).toBe('where am I');
  });

  it('passes hostile values through untouched and never throws', () => {
    const values = hostileValues();
    const args = [values, values.big, values.buffer, values.huge, values.broken, undefined];
    expect(() => console.log(...args)).not.toThrow();
    expect(printed[0]!.args).toEqual(args);
    const [record] = harness.records();
    expect(String(record!.body).length).toBeLessThanOrEqual(16_385);
    expect(String(record!.body)).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('never recurses: console calls made while emitting pass straight through', async () => {
    const emitted: unknown[] = [];
    // A processor that itself logs through console: the nested call must print, not emit again.
    const chatty = new LoggerProvider({
      processors: [
        {
          onEmit: (record: { body?: unknown }) => {
            emitted.push(record.body);
            console.log('from inside the pipeline');
          },
          forceFlush: () => Promise.resolve(),
          shutdown: () => Promise.resolve(),
        },
      ],
    });
    instrumentation.setLoggerProvider(chatty);
    try {
      console.info('outer');
    } finally {
      instrumentation.setLoggerProvider(harness.provider);
      await chatty.shutdown();
    }
    expect(emitted).toEqual(['outer']);
    expect(printed.map((p) => p.args[0])).toEqual(['from inside the pipeline', 'outer']);
  });

  it('scope all: a dropped line is not printed; errors always are', () => {
    installSampler('all'); // DEBUG dropped, INFO kept
    console.debug('drop %s', 'this');
    console.log('keep %s', 'this');
    console.error('drop ignored for errors');
    expect(printed.map((p) => p.args[0])).toEqual(['keep %s', 'drop ignored for errors']);
    const records = harness.records();
    expect(records).toHaveLength(2);
    expect(records[0]!.attributes).toMatchObject({
      [PATTERN_ID_ATTRIBUTE]: templatePattern('keep %s').id,
      [SAMPLE_RATE_ATTRIBUTE]: 1,
    });
  });

  it.each(['all', 'export'] as const)(
    'scope %s: a dropped templated line is never formatted; a kept one once',
    (scope) => {
      installSampler(scope); // DEBUG dropped, INFO kept
      let formatted = 0;
      const value = {
        toString(): string {
          formatted++;
          return 'v';
        },
      };
      console.debug('value %s', value);
      expect(formatted).toBe(0);
      console.info('value %s', value);
      expect(formatted).toBe(1); // the record's body (the recording console does not format)
      expect(harness.records().map((r) => r.body)).toEqual(['value v']);
    },
  );

  it('ERROR and FATAL lines are printed and emitted even when a sampler says drop', () => {
    // A stand-in: the real sampler keeps them itself, so it cannot show this.
    setActiveLogSampler(new DropAllSampler('all'));
    console.info('an info line');
    console.error('an error line');
    expect(printed.map((p) => p.args[0])).toEqual(['an error line']);
    expect(harness.records().map((r) => r.body)).toEqual(['an error line']);
  });

  it('disabled: console is restored and nothing is emitted', () => {
    instrumentation.disable();
    for (const method of METHODS) expect(console[method]).toBe(installed.get(method));
    console.log('after disable');
    expect(printed).toHaveLength(1);
    expect(harness.records()).toEqual([]);
  });
});
