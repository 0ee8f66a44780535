/**
 * The experiment result's aggregates and renderings: percentiles, evaluator summaries, the
 * summary table, the JUnit report (escaping, errors and failures) and outputs kept as JSON.
 */
import { describe, expect, it } from 'vitest';
import { jsonOutput } from '../../../src/evaluation/item-run';
import { formatJunit } from '../../../src/evaluation/junit';
import { percentile, summarise } from '../../../src/evaluation/result-summary';
import { formatExperimentSummary } from '../../../src/evaluation/summary-table';
import type { ExperimentResult, ItemResult } from '../../../src/evaluation/types';

function item(id: string, overrides: Partial<ItemResult> = {}): ItemResult {
  return {
    id,
    trial: 0,
    output: 'x',
    latencyMs: 10,
    inputTokens: 100,
    outputTokens: 10,
    costUsd: 0.001,
    scores: {},
    ...overrides,
  };
}

function result(items: ItemResult[], trials = 1): ExperimentResult {
  return {
    format: 'sprintlens.experiment.v1',
    name: 'qa <v2> & "more"',
    runId: 'run-1',
    startedAt: '2026-12-04T21:00:00.000Z',
    finishedAt: '2026-12-04T21:00:01.000Z',
    items,
    trials,
    summary: summarise({
      items,
      evaluatorNames: ['exact', 'judge'],
      skippedLines: 1,
      evaluatorCostUsd: 0.5,
    }),
    skipped: [{ line: 4, reason: 'no "input"' }],
  };
}

describe('aggregates', () => {
  it('percentiles are nearest-rank', () => {
    const values = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(values, 0.5)).toBe(10);
    expect(percentile(values, 0.95)).toBe(19);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.5)).toBe(0);
  });

  it('per evaluator: mean of scores, pass rate of passes, errors and unparseable apart', () => {
    const items = [
      item('a', { scores: { exact: { score: 1, passed: true }, judge: { score: 0.5 } } }),
      item('b', {
        scores: { exact: { score: 0, passed: false }, judge: { label: 'unparseable' } },
      }),
      item('c', { scores: { exact: { error: 'boom' }, judge: { score: 1 } } }),
      item('d', { error: { type: 'TypeError', message: 'x' }, output: undefined, latencyMs: 50 }),
    ];
    const summary = result(items).summary;
    expect(summary).toMatchObject({
      items: 4,
      failures: 1,
      skippedLines: 1,
      inputTokens: 400,
      latencyP50Ms: 10,
      latencyP95Ms: 50,
      evaluatorCostUsd: 0.5,
    });
    expect(summary.evaluators).toEqual([
      { name: 'exact', mean: 0.5, passRate: 0.5, count: 2, errors: 1, unparseable: 0 },
      { name: 'judge', mean: 0.75, count: 3, errors: 0, unparseable: 1 },
    ]);
  });
});

describe('the summary table', () => {
  it('shows runs, failures, skipped lines, evaluators, latency, tokens and cost', () => {
    const items = [
      item('a', { scores: { exact: { score: 1, passed: true } } }),
      item('a', { trial: 1, scores: { exact: { score: 0, passed: false } } }),
    ];
    const text = formatExperimentSummary(result(items, 2), { resultFile: '/tmp/r.json' });
    expect(text).toBe(
      [
        'Experiment qa <v2> & "more" (run run-1)',
        '  1 item × 2 trials = 2 runs, 0 failed (task error), 1 skipped line',
        '    skipped line 4: no "input"',
        '  evaluator   mean  pass rate  scored  errors  unparseable',
        '  exact      0.500     50.0 %       2       0            0',
        '  judge          -          -       0       0            0',
        '  latency  p50 10.0 ms, p95 10.0 ms',
        '  tokens   200 input, 20 output',
        "  cost     $0.002000 (and $0.5000 for the evaluators' own calls)",
        '  result   /tmp/r.json',
        '',
      ].join('\n'),
    );
  });
});

describe('the JUnit report', () => {
  it('has a test case per item run, an error for a task error, a failure for a miss', () => {
    const items = [
      item('ok', { scores: { exact: { score: 1, passed: true } } }),
      item('miss<1>', { scores: { exact: { score: 0, passed: false, explanation: 'a & b' } } }),
      item('broken', { error: { type: 'TypeError', message: 'bad "quote"\u0001' } }),
      item('eval-error', { scores: { exact: { error: 'Error: x' } } }),
    ];
    const xml = formatJunit(result(items));
    expect(xml).toContain(
      '<testsuites name="sprintlens experiments" tests="4" failures="2" errors="1" time="0.040">',
    );
    expect(xml).toContain('<testsuite name="qa &lt;v2&gt; &amp; &quot;more&quot;" tests="4"');
    expect(xml).toContain(
      '<testcase classname="qa &lt;v2&gt; &amp; &quot;more&quot;" name="ok" time="0.010">',
    );
    expect(xml).toContain(
      '<failure type="evaluation" message="exact did not pass">exact: score 0, not passed, a &amp; b</failure>',
    );
    // The control character is not allowed in XML: removed.
    expect(xml).toContain('<error type="TypeError" message="bad &quot;quote&quot;"/>');
    expect(xml).toContain('message="exact could not evaluate"');
    expect(xml).toContain('<property name="skipped_lines" value="1"/>');
  });

  it('names each trial when there are several', () => {
    const xml = formatJunit(result([item('a'), item('a', { trial: 1 })], 2));
    expect(xml).toContain('name="a (trial 1)"');
    expect(xml).toContain('name="a (trial 2)"');
  });
});

describe('outputs in the result file', () => {
  it('are kept as JSON data when they can be, else as bounded text', () => {
    expect(jsonOutput({ a: [1, 'two'], d: new Date(0) })).toEqual({
      a: [1, 'two'],
      d: '1970-01-01T00:00:00.000Z',
    });
    expect(jsonOutput(undefined)).toBeUndefined();
    expect(jsonOutput(() => 1)).toBeUndefined();
    const cyclic: Record<string, unknown> = { n: 1n };
    cyclic.self = cyclic;
    expect(jsonOutput(cyclic)).toBe('{"n":"1n","self":"[Circular]"}');
    const huge = jsonOutput('x'.repeat(200_000));
    expect(typeof huge).toBe('string');
    expect((huge as string).length).toBeLessThanOrEqual(100_001);
  });
});
