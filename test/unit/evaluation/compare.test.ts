import { describe, expect, it } from 'vitest';
import { SprintlensError } from '../../../src/base/errors';
import { compareExperiments, formatComparison } from '../../../src/evaluation/compare';
import type { ExperimentResult, ItemResult, ItemScore } from '../../../src/evaluation/types';

interface ItemSpec {
  readonly id: string;
  readonly trial?: number;
  readonly scores: Readonly<Record<string, number | ItemScore>>;
  readonly latencyMs?: number;
  readonly costUsd?: number;
  readonly failed?: boolean;
}

/** A result file as runExperiment writes it, from compact item specs. */
function result(name: string, items: readonly ItemSpec[]): ExperimentResult {
  const itemResults: ItemResult[] = items.map((spec) => ({
    id: spec.id,
    trial: spec.trial ?? 0,
    latencyMs: spec.latencyMs ?? 100,
    inputTokens: 10,
    outputTokens: 5,
    costUsd: spec.costUsd ?? 0.001,
    ...(spec.failed === true ? { error: { type: 'Error', message: 'boom' } } : { output: 'x' }),
    scores: Object.fromEntries(
      Object.entries(spec.scores).map(([key, value]) => [
        key,
        typeof value === 'number' ? { score: value } : value,
      ]),
    ),
  }));
  return {
    format: 'sprintlens.experiment.v1',
    name,
    runId: `run-${name}`,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    items: itemResults,
    summary: {
      items: itemResults.length,
      failures: itemResults.filter((i) => i.error !== undefined).length,
      skippedLines: 0,
      latencyP50Ms: 100,
      latencyP95Ms: 100,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      evaluators: [],
    },
  };
}

/** 20 items; `exact` from `exact(i)`, `rouge` a smooth value. */
function twentyItems(exact: (i: number) => number, extra: Partial<ItemSpec> = {}): ItemSpec[] {
  return Array.from({ length: 20 }, (_, i) => ({
    id: `item-${i + 1}`,
    scores: { exact: exact(i), rouge: 0.5 + (i % 5) / 10 },
    ...extra,
  }));
}

describe('compareExperiments', () => {
  it('passes two equal runs: zero differences, a zero interval, p = 1', () => {
    const a = result(
      'a',
      twentyItems(() => 1),
    );
    const b = result(
      'b',
      twentyItems(() => 1),
    );
    const comparison = compareExperiments(a, b);
    expect(comparison.passed).toBe(true);
    expect(comparison.regressions).toEqual([]);
    expect(comparison.pairedItems).toBe(20);
    for (const e of comparison.evaluators) {
      expect(e).toMatchObject({
        gated: true,
        pairs: 20,
        meanDifference: 0,
        interval: { lower: 0, upper: 0 },
        regressed: false,
      });
      expect(e.signTest).toEqual({ wins: 0, losses: 0, ties: 20, pValue: 1 });
    }
  });

  it('detects an injected regression: 8 of 20 exact matches lost', () => {
    const a = result(
      'a',
      twentyItems(() => 1),
    );
    const b = result(
      'b',
      twentyItems((i) => (i < 8 ? 0 : 1)),
    );
    const comparison = compareExperiments(a, b);
    expect(comparison.passed).toBe(false);
    expect(comparison.regressions).toEqual(['exact']);
    const exact = comparison.evaluators.find((e) => e.name === 'exact')!;
    expect(exact.meanA).toBe(1);
    expect(exact.meanB).toBeCloseTo(0.6, 12);
    expect(exact.meanDifference).toBeCloseTo(-0.4, 12);
    expect(exact.interval!.upper).toBeLessThan(0);
    // 0 wins, 8 losses, 12 ties: 2 * 2^-8.
    expect(exact.signTest).toEqual({ wins: 0, losses: 8, ties: 12, pValue: 0.0078125 });
    const rouge = comparison.evaluators.find((e) => e.name === 'rouge')!;
    expect(rouge.regressed).toBe(false);
  });

  it('the threshold is the allowed drop; rule mean gates on the mean alone', () => {
    const a = result(
      'a',
      twentyItems(() => 1),
    );
    const b = result(
      'b',
      twentyItems((i) => (i < 8 ? 0 : 1)),
    );
    // The interval of -0.4 over 20 items reaches about -0.2: a drop beyond 0.5 is not shown.
    expect(compareExperiments(a, b, { threshold: 0.5 }).passed).toBe(true);
    // Per evaluator: exact may drop 0.1 only.
    expect(compareExperiments(a, b, { threshold: { exact: 0.1 } }).regressions).toEqual(['exact']);
    expect(compareExperiments(a, b, { threshold: 0.5, rule: 'mean' }).passed).toBe(true);
    expect(compareExperiments(a, b, { threshold: 0.3, rule: 'mean' }).regressions).toEqual([
      'exact',
    ]);
  });

  it('rule ci lets noise pass that rule mean fails', () => {
    const a = result(
      'a',
      twentyItems(() => 1),
    );
    // One item worse by 0.1 and one better by 0.05: mean -0.0025, an interval around 0.
    const b = result(
      'b',
      twentyItems((i) => (i === 0 ? 0.9 : 1)).map((item, i) =>
        i === 1 ? { ...item, scores: { ...item.scores, exact: 1 } } : item,
      ),
    );
    const aNoisy = result(
      'a',
      twentyItems(() => 1).map((item, i) =>
        i === 1 ? { ...item, scores: { ...item.scores, exact: 0.95 } } : item,
      ),
    );
    const ci = compareExperiments(aNoisy, b);
    const exact = ci.evaluators.find((e) => e.name === 'exact')!;
    expect(exact.meanDifference).toBeCloseTo(-0.0025, 12);
    expect(exact.interval!.lower).toBeLessThan(0);
    expect(exact.interval!.upper).toBeGreaterThanOrEqual(0);
    expect(ci.passed).toBe(true);
    expect(compareExperiments(aNoisy, b, { rule: 'mean' }).regressions).toEqual(['exact']);
    expect(compareExperiments(a, a).passed).toBe(true);
  });

  it('is deterministic for a seed, whatever the order of the items in the files', () => {
    // Scores spread over 0..1, so the interval's ends depend on the draws.
    const spread = (name: string, prime: number, modulus: number) =>
      result(
        name,
        Array.from({ length: 30 }, (_, i) => ({
          id: `item-${i + 1}`,
          scores: { s: ((i * prime) % modulus) / modulus },
        })),
      );
    const a = spread('a', 7919, 97);
    const b = spread('b', 104729, 89);
    const reversed = { ...b, items: [...b.items].reverse() };
    const first = compareExperiments(a, b, { seed: 9 });
    expect(compareExperiments(a, reversed, { seed: 9 })).toEqual(first);
    expect(compareExperiments(a, b, { seed: 10 }).evaluators[0]!.interval).not.toEqual(
      first.evaluators[0]!.interval,
    );
  });

  it('averages trials per item first, and counts a failed trial without a score as 0', () => {
    const a = result('a', [
      { id: 'q1', trial: 0, scores: { s: 1 } },
      { id: 'q1', trial: 1, scores: { s: 0 } },
      { id: 'q2', trial: 0, scores: { s: 1 } },
      { id: 'q2', trial: 1, scores: { s: 1 } },
    ]);
    const b = result('b', [
      { id: 'q1', trial: 0, scores: { s: 1 } },
      { id: 'q1', trial: 1, scores: { s: 1 } },
      { id: 'q2', trial: 0, scores: { s: 1 } },
      { id: 'q2', trial: 1, scores: {}, failed: true },
    ]);
    const s = compareExperiments(a, b).evaluators[0]!;
    // A: q1 (1 + 0)/2 = 0.5, q2 1. B: q1 1, q2 (1 + 0)/2 = 0.5. Differences +0.5 and -0.5.
    expect(s).toMatchObject({ pairs: 2, meanA: 0.75, meanB: 0.75, meanDifference: 0 });
    expect(s.signTest).toMatchObject({ wins: 1, losses: 1 });
    const skipped = compareExperiments(a, b, { taskErrorsScoreZero: false }).evaluators[0]!;
    // B's q2 is then its one scored trial, 1.
    expect(skipped.meanB).toBe(1);
    expect(compareExperiments(a, b).b.failures).toBe(1);
  });

  it('leaves unscored verdicts (unparseable judge replies, errors) out of the pairs', () => {
    const a = result('a', [
      { id: 'q1', scores: { judge: 0.8 } },
      { id: 'q2', scores: { judge: 0.6 } },
    ]);
    const b = result('b', [
      { id: 'q1', scores: { judge: { label: 'unparseable', explanation: 'no score' } } },
      { id: 'q2', scores: { judge: { error: 'Error: 429' } } },
    ]);
    const judge = compareExperiments(a, b).evaluators[0]!;
    expect(judge).toMatchObject({
      pairs: 0,
      regressed: true,
      note: 'no item has a score in both runs',
    });
    expect(compareExperiments(a, b).passed).toBe(false);
  });

  it('pairs by id; items in one run only are listed, not compared', () => {
    const a = result('a', [
      { id: 'x', scores: { s: 1 } },
      { id: 'only-a', scores: { s: 0 } },
    ]);
    const b = result('b', [
      { id: 'x', scores: { s: 1 } },
      { id: 'only-b', scores: { s: 0 } },
    ]);
    const comparison = compareExperiments(a, b);
    expect(comparison).toMatchObject({ pairedItems: 1, onlyInA: ['only-a'], onlyInB: ['only-b'] });
    expect(comparison.passed).toBe(true);
  });

  it('a gated evaluator missing from a run fails the gate; ungated ones only report', () => {
    const a = result(
      'a',
      twentyItems(() => 1),
    );
    const b = result(
      'b',
      twentyItems((i) => (i < 8 ? 0 : 1)),
    );
    const typo = compareExperiments(a, b, { evaluators: ['rouge', 'exactt'] });
    expect(typo.regressions).toEqual(['exactt']);
    expect(typo.evaluators.find((e) => e.name === 'exactt')).toMatchObject({
      gated: true,
      pairs: 0,
      note: 'neither run has it',
    });
    // exact regressed but is not gated here.
    expect(typo.evaluators.find((e) => e.name === 'exact')).toMatchObject({
      gated: false,
      regressed: false,
    });
    expect(compareExperiments(a, b, { evaluators: ['rouge'] }).passed).toBe(true);
    const newOne = result(
      'b',
      twentyItems(() => 1).map((item) => ({ ...item, scores: { ...item.scores, fresh: 1 } })),
    );
    const added = compareExperiments(a, newOne);
    expect(added.passed).toBe(true);
    expect(added.evaluators.find((e) => e.name === 'fresh')).toMatchObject({
      gated: false,
      note: 'only run B has it',
    });
  });

  it('compares latency and cost per item: means, medians, totals', () => {
    const a = result('a', [
      { id: '1', scores: {}, latencyMs: 100, costUsd: 0.001 },
      { id: '2', scores: {}, latencyMs: 200, costUsd: 0.002 },
      { id: '3', scores: {}, latencyMs: 300, costUsd: 0.003 },
    ]);
    const b = result('b', [
      { id: '1', scores: {}, latencyMs: 150, costUsd: 0.002 },
      { id: '2', scores: {}, latencyMs: 250, costUsd: 0.002 },
      { id: '3', scores: {}, latencyMs: 500, costUsd: 0.005 },
    ]);
    const { latency, cost } = compareExperiments(a, b);
    expect(latency).toMatchObject({
      meanA: 200,
      meanB: 300,
      meanDifference: 100,
      medianA: 200,
      medianB: 250,
      medianDifference: 50,
      totalA: 600,
      totalB: 900,
      totalDifference: 300,
    });
    expect(latency!.interval!.lower).toBeGreaterThanOrEqual(50);
    expect(latency!.interval!.upper).toBeLessThanOrEqual(200);
    expect(cost!.totalDifference).toBeCloseTo(0.003, 12);
    expect(cost!.meanDifference).toBeCloseTo(0.001, 12);
  });

  it('refuses inputs that are not experiment results, with a coded error', () => {
    const good = result('a', []);
    const codeOf = (make: () => unknown): string => {
      try {
        make();
      } catch (error) {
        expect(error).toBeInstanceOf(SprintlensError);
        return `${(error as SprintlensError).code}: ${(error as Error).message}`;
      }
      return 'no error';
    };
    expect(codeOf(() => compareExperiments({ format: 'other.v2' } as never, good))).toBe(
      'SL_EVALUATION_NOT_EXPERIMENT_RESULT: a is not an experiment result ("format" is ' +
        '"other.v2"): compare takes the JSON result files that runExperiment writes, with ' +
        '"format": "sprintlens.experiment.v1".',
    );
    expect(codeOf(() => compareExperiments(good, [] as never))).toMatch(
      /^SL_EVALUATION_NOT_EXPERIMENT_RESULT: b is not an experiment result \(an array\)/,
    );
    expect(
      codeOf(() => compareExperiments(good, { format: 'sprintlens.experiment.v1' } as never)),
    ).toMatch(/\(no "items" list\)/);
    expect(codeOf(() => compareExperiments(good, good, { confidence: 1 }))).toMatch(
      /^SL_EVALUATION_INVALID_OPTION: compareExperiments\(\): option confidence/,
    );
    expect(codeOf(() => compareExperiments(good, good, { threshold: -0.1 }))).toMatch(
      /^SL_EVALUATION_INVALID_OPTION/,
    );
    expect(codeOf(() => compareExperiments(good, good, { resamples: 10 }))).toMatch(
      /^SL_EVALUATION_INVALID_OPTION/,
    );
  });
});

describe('formatComparison', () => {
  it('prints a plain table with the verdict', () => {
    const a = result(
      'baseline',
      twentyItems(() => 1),
    );
    const b = result(
      'new-prompt',
      twentyItems((i) => (i < 8 ? 0 : 1)),
    );
    const text = formatComparison(compareExperiments(a, b));
    expect(text.includes(String.fromCharCode(27))).toBe(false); // no colour escapes
    const lines = text.split('\n');
    expect(lines[0]).toBe('A: "baseline" (run run-baseline, 20 items, 20 item runs, 0 failed)');
    expect(lines[2]).toBe('20 items in both; 0 only in A, 0 only in B.');
    const header = lines.find((l) => l.startsWith('evaluator'))!;
    expect(header).toMatch(
      /pairs\s+mean A\s+mean B\s+diff\s+95% interval\s+sign \+\/-\/=\s+p\s+max drop\s+gate$/,
    );
    const exact = lines.find((l) => l.startsWith('exact '))!;
    expect(exact).toMatch(
      /^exact\s+20\s+1\.000\s+0\.600\s+-0\.400\s+\[-0\.\d{3}, -0\.\d{3}\]\s+0\/8\/12\s+0\.008\s+0\s+REGRESSED$/,
    );
    expect(lines.find((l) => l.startsWith('rouge '))).toMatch(
      /\s0\.000\s+\[0\.000, 0\.000\]\s+0\/0\/20\s+1\.000\s+0\s+ok$/,
    );
    expect(lines.find((l) => l.startsWith('latency ms'))).toMatch(
      /^latency ms\s+100\.0\s+100\.0\s+0\.0\s+/,
    );
    expect(lines.at(-1)).toBe('FAILED: exact regressed.');
    expect(formatComparison(compareExperiments(a, a)).split('\n').at(-1)).toBe(
      'PASSED: no gated evaluator regressed.',
    );
  });
});
