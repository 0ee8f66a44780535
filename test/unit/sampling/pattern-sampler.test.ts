/**
 * The sampler's behaviour around the statistics: the decision contract, upstream decisions,
 * printf templates, policies, the bounded table and the metrics.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decideLine, UNDECIDED } from '../../../instrumentations/logs-common/sampling';
import { selfMetrics } from '../../../src/base/self-metrics';
import { createLogSampling } from '../../../src/sampling/create-log-sampling-processor';
import type { LogSampling } from '../../../src/sampling/create-log-sampling-processor';
import { logPattern } from '../../../src/sampling/log-pattern';
import { getActiveLogSampler } from '../../../src/sampling/log-sampler';
import { templatePattern } from '../../../src/sampling/printf-template';
import { parsePolicy } from '../../../src/sampling/sampling-policy';
import { createRandom } from '../../support/prng';
import {
  binomialHalfWidth,
  letters,
  ManualClock,
  pipeline,
  SEVERITY_NUMBERS,
} from './sampling-harness';
import type { Pipeline } from './sampling-harness';

let open: Pipeline | undefined;
let bare: LogSampling | undefined;
afterEach(async () => {
  await open?.close();
  await bare?.shutdown();
  open = undefined;
  bare = undefined;
});

function policy(doc: unknown) {
  const result = parsePolicy(JSON.stringify(doc));
  if (!result.ok) throw new Error(result.reason);
  return result.policy;
}

describe('LogSampler.decide (scope all)', () => {
  it('answers with the pattern, template and 1/p, and is installed as the active sampler on request', () => {
    bare = createLogSampling({ scope: 'all', setActive: true, random: createRandom(1) });
    expect(getActiveLogSampler()).toBe(bare.sampler);
    expect(bare.sampler.scope).toBe('all');
    const first = bare.sampler.decide({
      severityNumber: SEVERITY_NUMBERS.INFO,
      message: 'user bob logged in',
    });
    expect(first).toEqual({
      keep: true,
      patternId: logPattern('user bob logged in').id,
      template: 'user <*> logged in',
      sampleRate: 1, // first occurrence
    });
    const error = bare.sampler.decide({ severityNumber: 17, message: 'boom' });
    expect(error.keep).toBe(true);
    expect(error.sampleRate).toBe(1);
  });

  it('gives a printf template the same pattern as the lines it produces', () => {
    expect(templatePattern('user %s logged in').id).toBe(logPattern('user alice logged in').id);
    expect(templatePattern('took %d ms').id).toBe(logPattern('took 12 ms').id);
    expect(templatePattern('100%% done').template).toBe(logPattern('100% done').template);
    bare = createLogSampling({ random: createRandom(2) });
    const a = bare.sampler.decide({
      severityNumber: 9,
      message: 'x',
      template: 'user %s logged in',
    });
    const b = bare.sampler.decide({ severityNumber: 9, message: 'user carol logged in' });
    expect(a.patternId).toBe(b.patternId);
    expect(bare.sampler.table.size).toBe(1);
  });

  it('forwards a record decided upstream with the handed-off decision, deciding it once', () => {
    open = pipeline({ rates: { DEBUG: 0 }, firstOccurrences: 0 });
    const handoff = open.sampling.sampler.handoff;
    // What an instrumentation does around the emit of a line it decided.
    handoff.patternId = 'feedfacefeedface';
    handoff.template = 'decided before the logger wrote it';
    handoff.sampleRate = 20;
    handoff.pending = true;
    open.logger.emit({
      severityNumber: SEVERITY_NUMBERS.DEBUG,
      body: 'decided before the logger wrote it',
    });
    expect(handoff.pending).toBe(false); // taken by the processor
    const [record] = open.drain();
    expect(record?.attributes).toEqual({
      'sprintlens.pattern.id': 'feedfacefeedface',
      'log.record.template': 'decided before the logger wrote it',
      'sprintlens.sample_rate': 20,
    });
    expect(open.sampling.sampler.seen.reduce((a, b) => a + b)).toBe(0);
    // Exported attributes are no mark: a record that merely carries them is decided here
    // (and dropped at rate 0), its attributes overwritten when kept.
    open.logger.emit({
      severityNumber: SEVERITY_NUMBERS.DEBUG,
      body: 'undecided',
      attributes: { 'sprintlens.sample_rate': 20, 'sprintlens.pattern.id': 'feedfacefeedface' },
    });
    expect(open.drain()).toEqual([]);
    open.logger.emit({
      severityNumber: SEVERITY_NUMBERS.ERROR,
      body: 'undecided error',
      attributes: { 'sprintlens.sample_rate': 20 },
    });
    expect(open.drain()[0]?.attributes).toMatchObject({
      'sprintlens.pattern.id': logPattern('undecided error').id,
      'sprintlens.sample_rate': 1,
    });
  });

  it('uses a log.record.template attribute set by an instrumentation as the template', () => {
    open = pipeline({ firstOccurrences: 1 });
    open.logger.emit({
      severityNumber: SEVERITY_NUMBERS.WARN,
      body: 'retry 3 of job nightly',
      attributes: { 'log.record.template': 'retry %d of job %s' },
    });
    const [record] = open.drain();
    expect(record?.attributes['log.record.template']).toBe(
      templatePattern('retry %d of job %s').template,
    );
  });
});

describe('template and message caches', () => {
  it('survive eviction of the cached entry: the pattern is looked up again and re-created', () => {
    bare = createLogSampling({ random: createRandom(10), maxPatterns: 3, firstOccurrences: 1 });
    const s = bare.sampler;
    const a = s.decide({ severityNumber: 9, message: 'x', template: 'order %d shipped' });
    const b = s.decide({ severityNumber: 9, message: 'server started' });
    expect(a.sampleRate).toBe(1);
    expect(b.sampleRate).toBe(1);
    // Evict both by filling the table with other patterns.
    for (const m of ['alpha one', 'beta two', 'gamma three'])
      s.decide({ severityNumber: 9, message: m });
    expect(s.table.size).toBe(3);
    const ids = (): string[] => [...s.table.entries()].map((e) => e.id);
    expect(ids()).not.toContain(a.patternId);
    // Seen again: new entries, first occurrence again, same ids.
    const a2 = s.decide({ severityNumber: 9, message: 'x', template: 'order %d shipped' });
    const b2 = s.decide({ severityNumber: 9, message: 'server started' });
    expect([a2.patternId, a2.sampleRate]).toEqual([a.patternId, 1]);
    expect([b2.patternId, b2.sampleRate]).toEqual([b.patternId, 1]);
    expect(ids()).toContain(a.patternId);
    expect(ids()).toContain(b.patternId);
    expect(s.table.size).toBe(3);
  });
});

describe('failures', () => {
  it('fails open: a line the sampler cannot decide is kept and counted, never thrown', async () => {
    const broken = (): number => {
      throw new Error('random source failed');
    };
    open = pipeline({ random: broken, firstOccurrences: 0, setActive: true });
    const s = open.sampling.sampler;
    // An instrumentation's line: kept undecided (no decision attached), counted once.
    expect(() => s.decide({ severityNumber: 9, message: 'a line' })).toThrow();
    expect(s.failures).toBe(0); // counted by the caller that catches, not twice
    expect(decideLine(s, 9, 'a line', undefined, undefined)).toBe(UNDECIDED);
    expect(s.failures).toBe(1);
    // The processor's failures go to the same one counter.
    open.logger.emit({ severityNumber: 9, body: 'another line' });
    expect(open.drain().map((r) => r.body)).toEqual(['another line']);
    expect(s.failures).toBe(2);
    const text = await selfMetrics().registry.metrics();
    const line = text.split('\n').find((l) => l.startsWith('sprintlens_log_sampler_decision_'));
    expect(Number(line?.split(' ').pop())).toBeGreaterThanOrEqual(2);
    // ERROR needs no draw and is decided normally.
    open.logger.emit({ severityNumber: 17, body: 'an error' });
    expect(open.drain()[0]?.attributes['sprintlens.sample_rate']).toBe(1);
  });
});

describe('policy rates', () => {
  it('uses the pattern rate, else the policy severity rate, else its default; ERROR stays 1', () => {
    bare = createLogSampling({ random: createRandom(3), firstOccurrences: 0 });
    const s = bare.sampler;
    const hot = logPattern('cache hit for key 1');
    s.setPolicy(
      policy({
        version: 'p1',
        defaultRate: 0.25,
        severityRates: { INFO: 0.1, ERROR: 0 },
        patternRates: { [hot.id]: 0.5 },
      }),
    );
    expect(s.decide({ severityNumber: 9, message: 'cache hit for key 2' }).sampleRate).toBe(2);
    expect(s.decide({ severityNumber: 9, message: 'something else' }).sampleRate).toBe(10);
    expect(s.decide({ severityNumber: 5, message: 'debug line' }).sampleRate).toBe(4);
    expect(s.decide({ severityNumber: 17, message: 'cache hit for key 3' })).toMatchObject({
      keep: true,
      sampleRate: 1,
    });
    // Back to local rates.
    s.setPolicy(undefined);
    expect(s.decide({ severityNumber: 9, message: 'cache hit for key 4' }).sampleRate).toBe(5);
  });

  it('drops everything of a pattern at rate 0 except ERROR/FATAL', () => {
    bare = createLogSampling({ random: createRandom(4), firstOccurrences: 0 });
    const id = logPattern('noisy 1').id;
    bare.sampler.setPolicy(policy({ version: 'z', patternRates: { [id]: 0 } }));
    for (let i = 0; i < 1000; i++) {
      expect(bare.sampler.decide({ severityNumber: 13, message: `noisy ${i}` }).keep).toBe(false);
    }
    expect(bare.sampler.decide({ severityNumber: 21, message: 'noisy 1' }).keep).toBe(true);
  });
});

describe('pattern table bound', () => {
  it('stays at its bound with 1M distinct messages, evicting least recently used', () => {
    const clock = new ManualClock();
    bare = createLogSampling({
      random: createRandom(5),
      now: clock.now,
      maxPatterns: 10_000,
      maxNewPatternsPerMinute: 1e9, // guard off: every message takes a table entry
    });
    const r = createRandom(6);
    const s = bare.sampler;
    // A stable pattern used all along survives eviction: it is always recent.
    for (let i = 0; i < 1_000_000; i++) {
      s.decideRecord(9, `unique ${letters(r, 7)} ${letters(r, 7)} arrived`, undefined, undefined);
      if (i % 1000 === 0) s.decideRecord(9, 'steady heartbeat', undefined, undefined);
      if (i % 100_000 === 0) expect(s.table.size).toBeLessThanOrEqual(10_000);
      clock.advance(1);
    }
    expect(s.table.size).toBe(10_000);
    expect(s.table.evictions).toBeGreaterThan(980_000);
    const heartbeat = logPattern('steady heartbeat').id;
    expect([...s.table.entries()].some((e) => e.id === heartbeat)).toBe(true);
  });

  it('guards against cardinality explosions: past the allowance new patterns take no entry and are not kept as first occurrences', () => {
    const clock = new ManualClock();
    bare = createLogSampling({
      random: createRandom(7),
      now: clock.now,
      maxPatterns: 10_000,
      rates: { DEBUG: 0.05 },
    });
    const r = createRandom(8);
    const s = bare.sampler;
    for (let k = 0; k < 50; k++) s.decideRecord(5, `stable line ${k % 5}`, undefined, undefined);
    let kept = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      if (s.decideRecord(5, `exploding ${letters(r, 9)} value`, undefined, undefined)) kept++;
      clock.advance(1); // 200 s of traffic: allowance 1000/min
    }
    expect(s.table.size).toBeLessThanOrEqual(10_000);
    // Admitted: the initial allowance (1000) plus 1000/min over 200 s; the rest overflowed.
    const admitted = 1000 + (200 / 60) * 1000;
    expect(s.overflow).toBeGreaterThanOrEqual(n - Math.ceil(admitted) - 1);
    // Only the admitted ones were kept as first occurrences; the flood is sampled at 5 %.
    const expectedKept = admitted + 0.05 * (n - admitted);
    expect(Math.abs(kept - expectedKept)).toBeLessThanOrEqual(
      binomialHalfWidth(n - admitted, 0.05),
    );
    // The stable patterns were not flushed out by the flood.
    expect(s.table.evictions).toBe(0);
  });
});

describe('metrics', () => {
  it('exposes seen/kept by severity, patterns, evictions and policy info, never a pattern id', async () => {
    bare = createLogSampling({ random: createRandom(9), maxPatterns: 100 });
    for (let i = 0; i < 1000; i++) {
      bare.sampler.decide({
        severityNumber: 17,
        message: `failure ${letters(createRandom(i), 8)}`,
      });
    }
    bare.sampler.setPolicy(policy({ version: 'metrics-v1' }));
    const text = await selfMetrics().registry.metrics();
    const value = (line: string): number => {
      const found = text.split('\n').find((l) => l.startsWith(line + ' '));
      return Number(found?.split(' ').pop());
    };
    expect(
      value('sprintlens_log_sampler_records_seen_total{severity="ERROR"}'),
    ).toBeGreaterThanOrEqual(1000);
    expect(
      value('sprintlens_log_sampler_records_kept_total{severity="ERROR"}'),
    ).toBeGreaterThanOrEqual(1000);
    expect(value('sprintlens_log_sampler_patterns')).toBeGreaterThanOrEqual(100);
    expect(value('sprintlens_log_sampler_pattern_evictions_total')).toBeGreaterThanOrEqual(900);
    expect(text).toContain('sprintlens_log_sampler_policy_info{version="metrics-v1"} 1');
    const ids = [...bare.sampler.table.entries()].map((e) => e.id);
    for (const id of ids) expect(text).not.toContain(id);
    // Counters do not go backwards when a sampler shuts down.
    await bare.shutdown();
    bare = undefined;
    const after = await selfMetrics().registry.metrics();
    const seenAfter = after
      .split('\n')
      .find((l) => l.startsWith('sprintlens_log_sampler_records_seen_total{severity="ERROR"}'));
    expect(Number(seenAfter?.split(' ').pop())).toBeGreaterThanOrEqual(1000);
  });
});
