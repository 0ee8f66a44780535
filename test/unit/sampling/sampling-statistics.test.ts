/**
 * Statistical properties of the log sampler on large seeded streams, through a real
 * LoggerProvider with the sampling processor in front of a real in-memory exporter.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { createRandom } from '../../support/prng';
import {
  binomialHalfWidth,
  ManualClock,
  pipeline,
  sampleRateOf,
  SEVERITIES,
  SEVERITY_NUMBERS,
  stream,
  TEMPLATE_COUNT,
} from './sampling-harness';
import type { Pipeline, Sev } from './sampling-harness';

const RATES = { TRACE: 0.01, DEBUG: 0.05, INFO: 0.2, WARN: 0.5, ERROR: 1, FATAL: 1 } as const;
let open: Pipeline | undefined;

afterEach(async () => {
  await open?.close();
  open = undefined;
});

function counts(): Record<Sev, number> {
  return { TRACE: 0, DEBUG: 0, INFO: 0, WARN: 0, ERROR: 0, FATAL: 0 };
}

function severityOf(n: number | undefined): Sev {
  for (const s of SEVERITIES) if (SEVERITY_NUMBERS[s] === n) return s;
  throw new Error(`unexpected severity ${String(n)}`);
}

describe('keep rates', () => {
  it('keeps every ERROR/FATAL and each severity at its rate (99.9 % binomial interval)', () => {
    const clock = new ManualClock();
    open = pipeline({
      random: createRandom(11),
      now: clock.now,
      firstOccurrences: 0,
      budgetPerMinute: 1e12,
    });
    const seen = counts();
    const kept = counts();
    const weights = { TRACE: 30, DEBUG: 30, INFO: 20, WARN: 10, ERROR: 7, FATAL: 3 };
    for (const line of stream(1, 400_000, weights)) {
      seen[line.severity]++;
      open.logger.emit({ severityNumber: SEVERITY_NUMBERS[line.severity], body: line.message });
      clock.advance(1);
      if (seen[line.severity] % 50_000 === 0) {
        for (const r of open.drain()) kept[severityOf(r.severityNumber)]++;
      }
    }
    for (const r of open.drain()) kept[severityOf(r.severityNumber)]++;

    expect(kept.ERROR).toBe(seen.ERROR);
    expect(kept.FATAL).toBe(seen.FATAL);
    for (const s of ['TRACE', 'DEBUG', 'INFO', 'WARN'] as const) {
      const expected = seen[s] * RATES[s];
      expect(Math.abs(kept[s] - expected), s).toBeLessThanOrEqual(
        binomialHalfWidth(seen[s], RATES[s]),
      );
    }
    // The sampler's own counters agree with what reached the exporter.
    const sampler = open.sampling.sampler;
    SEVERITIES.forEach((s, k) => {
      expect(sampler.seen[k]).toBe(seen[s]);
      expect(sampler.kept[k]).toBe(kept[s]);
    });
  });

  it('treats a record without severity as INFO', () => {
    open = pipeline({ random: createRandom(3), firstOccurrences: 0, budgetPerMinute: 1e12 });
    const n = 50_000;
    for (let i = 0; i < n; i++) open.logger.emit({ body: `no severity here ${i}` });
    const kept = open.drain();
    expect(Math.abs(kept.length - n * 0.2)).toBeLessThanOrEqual(binomialHalfWidth(n, 0.2));
    expect(kept.every((r) => sampleRateOf(r) === 5)).toBe(true);
    expect(open.sampling.sampler.seen[2]).toBe(n);
  });
});

describe('count estimation from sprintlens.sample_rate', () => {
  it('estimates each severity within ±2 % and each pattern within 4 sd, with first occurrences and budgets on', () => {
    // 20 minutes of traffic at ~1000 lines/s, with the default first-occurrence rule and budget:
    // the hot patterns are pushed far below their severity rate by the budget.
    const clock = new ManualClock();
    open = pipeline({ random: createRandom(5), now: clock.now, rates: { TRACE: 0.02 } });
    const rates = { ...RATES, TRACE: 0.02 };
    const seen = counts();
    const estimate = counts();
    const perPattern = new Map<string, { seen: number; est: number; variance: number }>();
    const patternIdOf: string[] = [];
    const weights = { TRACE: 40, DEBUG: 25, INFO: 20, WARN: 10, ERROR: 4, FATAL: 1 };
    const n = 2_000_000;
    let i = 0;
    const drain = (): void => {
      for (const r of open!.drain()) {
        const rate = sampleRateOf(r);
        const sev = severityOf(r.severityNumber);
        estimate[sev] += rate;
        const id = String(r.attributes['sprintlens.pattern.id']);
        const stat = perPattern.get(id + sev);
        if (stat !== undefined) {
          stat.est += rate;
          stat.variance += rate * rate - rate; // Horvitz-Thompson variance estimate
        }
      }
    };
    for (const line of stream(2, n, weights)) {
      seen[line.severity]++;
      open.logger.emit({ severityNumber: SEVERITY_NUMBERS[line.severity], body: line.message });
      const key = `${line.pattern}/${line.severity}`;
      let id = patternIdOf[line.pattern];
      if (id === undefined) {
        id = open.sampling.sampler.outId;
        patternIdOf[line.pattern] = id;
      }
      const stat = perPattern.get(id + line.severity) ?? { seen: 0, est: 0, variance: 0 };
      stat.seen++;
      perPattern.set(id + line.severity, stat);
      void key;
      clock.advance(1);
      if (++i % 100_000 === 0) drain();
    }
    drain();

    for (const s of SEVERITIES) {
      expect(Math.abs(estimate[s] - seen[s]) / seen[s], s).toBeLessThan(0.02);
    }
    expect(patternIdOf.length).toBe(TEMPLATE_COUNT);
    // The budget really was binding: the hottest INFO pattern kept far less than 20 %.
    const sampler = open.sampling.sampler;
    expect(sampler.kept[2]! / sampler.seen[2]!).toBeLessThan(rates.INFO * 0.9);
    for (const [key, stat] of perPattern) {
      expect(Math.abs(stat.est - stat.seen), key).toBeLessThanOrEqual(
        4 * Math.sqrt(Math.max(stat.variance, 1)) + 1,
      );
    }
    // 1.2 million lines through the real pipeline: seconds alone, several times that on a busy
    // two-core machine, where the tier's 30 s limit was once reached.
  }, 120_000);
});

describe('first occurrences', () => {
  it('keeps every line of a new pattern up to the first-occurrence limit, at rate 1', () => {
    const r = createRandom(9);
    open = pipeline({ random: createRandom(4), firstOccurrences: 1 });
    const rare: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      open.logger.emit({ severityNumber: SEVERITY_NUMBERS.DEBUG, body: `tick ${i}` });
      if (i % 100 === 0) {
        let w = '';
        for (let k = 0; k < 8; k++) w += String.fromCharCode(0x67 + Math.floor(r() * 20));
        const message = `rare event ${w} happened once`;
        rare.push(message);
        open.logger.emit({ severityNumber: SEVERITY_NUMBERS.TRACE, body: message });
      }
    }
    const kept = open.drain();
    const keptBodies = new Map(kept.map((k) => [k.body, k]));
    for (const message of rare) {
      const record = keptBodies.get(message);
      expect(record, message).toBeDefined();
      expect(sampleRateOf(record!)).toBe(1);
    }
    // The repeated line is sampled after its first occurrence.
    const ticks = kept.filter((k) => String(k.body).startsWith('tick '));
    expect(ticks[0]?.body).toBe('tick 0');
    expect(ticks.length).toBeLessThan(20_000 * 0.1);
  });
});

describe('per-pattern budget', () => {
  it('holds a steady flood to about its budget per minute', () => {
    const clock = new ManualClock();
    const budget = 600;
    open = pipeline({
      random: createRandom(7),
      now: clock.now,
      budgetPerMinute: budget,
      rates: { INFO: 1 },
    });
    const perMinute: number[] = [];
    for (let minute = 0; minute < 10; minute++) {
      for (let k = 0; k < 6000; k++) {
        open.logger.emit({ severityNumber: SEVERITY_NUMBERS.INFO, body: `polled ${k} items` });
        clock.advance(10); // 100 lines/s = 6000/min, ten times the budget
      }
      perMinute.push(open.drain().length);
    }
    // The first minute includes the first occurrences and the ramp-up; afterwards ~budget.
    for (const kept of perMinute) expect(kept).toBeLessThanOrEqual(budget * 1.15);
    for (const kept of perMinute.slice(1)) expect(kept).toBeGreaterThanOrEqual(budget * 0.85);
    // A line of another pattern is untouched by this one's budget.
    open.logger.emit({ severityNumber: SEVERITY_NUMBERS.INFO, body: 'other line' });
    expect(open.drain().map((r) => r.body)).toEqual(['other line']);
  });

  it('holds a sudden burst under budget, and never touches ERROR lines', () => {
    const clock = new ManualClock();
    const budget = 1000;
    open = pipeline({ random: createRandom(8), now: clock.now, budgetPerMinute: budget });
    for (let k = 0; k < 100_000; k++) {
      open.logger.emit({ severityNumber: SEVERITY_NUMBERS.WARN, body: `disk ${k} almost full` });
      if (k % 100 === 0) clock.advance(1); // 100k lines in one second
    }
    expect(open.drain().length).toBeLessThanOrEqual(budget);
    for (let k = 0; k < 5000; k++) {
      open.logger.emit({ severityNumber: SEVERITY_NUMBERS.ERROR, body: `disk ${k} almost full` });
    }
    expect(open.drain().length).toBe(5000);
  });
});

describe('trace consistency', () => {
  function traceId(r: () => number): string {
    let s = '';
    for (let k = 0; k < 32; k++) s += '0123456789abcdef'[Math.floor(r() * 16)];
    return s;
  }

  it('keeps or drops all records of a trace together, nested across rates', () => {
    open = pipeline({
      random: createRandom(12),
      firstOccurrences: 0,
      budgetPerMinute: 1e12,
      rates: { DEBUG: 0.2, INFO: 0.5 },
    });
    const r = createRandom(13);
    const traces = 2000;
    const decisions = new Map<string, { debug: Set<boolean>; info: Set<boolean> }>();
    for (let t = 0; t < traces; t++) {
      const id = traceId(r);
      const ctx = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: id,
        spanId: '0123456789abcdef',
        traceFlags: TraceFlags.SAMPLED,
      });
      decisions.set(id, { debug: new Set(), info: new Set() });
      for (let k = 0; k < 10; k++) {
        const template = k % 3;
        for (const sev of ['DEBUG', 'INFO'] as const) {
          open.logger.emit({
            context: ctx,
            severityNumber: SEVERITY_NUMBERS[sev],
            body: `step ${template === 0 ? 'load' : template === 1 ? 'parse' : 'store'} ${k} done`,
          });
        }
      }
    }
    const kept = open.drain();
    const keptBy = new Map<string, { debug: number; info: number }>();
    for (const rec of kept) {
      const id = rec.spanContext?.traceId ?? '';
      const c = keptBy.get(id) ?? { debug: 0, info: 0 };
      if (rec.severityNumber === SEVERITY_NUMBERS.DEBUG) c.debug++;
      else c.info++;
      keptBy.set(id, c);
    }
    let debugTraces = 0;
    let infoTraces = 0;
    for (const [id, c] of keptBy) {
      expect([0, 10], id).toContain(c.debug); // all or nothing per trace and rate
      expect([0, 10], id).toContain(c.info);
      if (c.debug === 10) {
        debugTraces++;
        expect(c.info, 'kept at 0.2 implies kept at 0.5').toBe(10);
      }
      if (c.info === 10) infoTraces++;
    }
    expect(Math.abs(debugTraces - traces * 0.2)).toBeLessThanOrEqual(
      binomialHalfWidth(traces, 0.2),
    );
    expect(Math.abs(infoTraces - traces * 0.5)).toBeLessThanOrEqual(binomialHalfWidth(traces, 0.5));
  });
});
