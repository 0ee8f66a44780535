/**
 * The dev backend's summary of evaluations and experiments: evaluation events by name (not
 * counted as logs), and per experiment run its items, failures, tokens, cost and mean scores.
 */
import { SeverityNumber } from '@opentelemetry/api-logs';
import { describe, expect, it } from 'vitest';
import { DevSummary } from '../../../dev-backend/summary';
import { formatSummary } from '../../../dev-backend/summary-text';
import type { OtlpScope, ReceivedLogRecord, ReceivedSpan } from '../../support/backend';

const SCOPE: OtlpScope = { name: 's', version: '', attributes: {}, droppedAttributesCount: 0 };

function itemSpan(
  experiment: string,
  runId: string,
  itemId: string,
  extra: { failed?: boolean; cost?: number } = {},
): ReceivedSpan {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: '00f067aa0ba902b7',
    traceState: '',
    parentSpanId: '',
    flags: 1,
    name: `experiment_item ${experiment}`,
    kind: 1,
    startTimeUnixNano: '1000000',
    endTimeUnixNano: '2000000',
    attributes: {
      'sprintlens.experiment.name': experiment,
      'sprintlens.experiment.run_id': runId,
      'sprintlens.experiment.item_id': itemId,
      'sprintlens.experiment.trial': 0,
      'sprintlens.experiment.item.input_tokens': 1200,
      'sprintlens.experiment.item.output_tokens': 300,
      'sprintlens.experiment.item.cost.usd': extra.cost ?? 0.01,
    },
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: extra.failed === true ? { code: 2, message: 'TypeError' } : { code: 0, message: '' },
    resource: {},
    scope: SCOPE,
  };
}

function evaluation(attributes: ReceivedLogRecord['attributes']): ReceivedLogRecord {
  return {
    timeUnixNano: '1',
    observedTimeUnixNano: '1',
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: undefined,
    attributes,
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: '00f067aa0ba902b7',
    resource: {},
    scope: SCOPE,
  };
}

const run = (experiment: string, runId: string) => ({
  'sprintlens.experiment.name': experiment,
  'sprintlens.experiment.run_id': runId,
});

describe('evaluations and experiments in the summary', () => {
  it('groups runs with items, failures, tokens, cost and scores per evaluator', () => {
    const summary = new DevSummary();
    summary.addSpan(itemSpan('capitals', 'r1', 'a'));
    summary.addSpan(itemSpan('capitals', 'r1', 'b', { failed: true }));
    summary.addSpan(itemSpan('capitals', 'r2', 'a', { cost: 0.02 }));
    const score = (runId: string, name: string, value: number, passed?: boolean) =>
      summary.addLogRecord(
        evaluation({
          ...run('capitals', runId),
          'gen_ai.evaluation.name': name,
          'gen_ai.evaluation.score.value': value,
          ...(passed === undefined ? {} : { 'sprintlens.evaluation.passed': passed }),
        }),
      );
    score('r1', 'exact_match', 1, true);
    score('r1', 'exact_match', 0, false);
    score('r1', 'llm_judge', 0.8);
    score('r2', 'exact_match', 1, true);
    // From production code: no experiment, a label only.
    summary.addLogRecord(
      evaluation({
        'gen_ai.evaluation.name': 'user_feedback',
        'gen_ai.evaluation.score.label': 'up',
      }),
    );

    const snapshot = summary.snapshot();
    expect(snapshot.logs.total).toBe(0); // evaluation events are not log lines
    expect(snapshot.evaluations).toEqual({
      total: 5,
      byName: [
        { name: 'exact_match', count: 3, scored: 3, mean: 2 / 3, judged: 3, passed: 2 },
        { name: 'llm_judge', count: 1, scored: 1, mean: 0.8, judged: 0, passed: 0 },
        { name: 'user_feedback', count: 1, scored: 0, mean: undefined, judged: 0, passed: 0 },
      ],
    });
    expect(snapshot.experiments).toEqual([
      {
        experiment: 'capitals',
        runId: 'r1',
        items: 2,
        failed: 1,
        inputTokens: 2400,
        outputTokens: 600,
        costUsd: 0.02,
        evaluators: [
          { name: 'exact_match', count: 2, scored: 2, mean: 0.5, judged: 2, passed: 1 },
          { name: 'llm_judge', count: 1, scored: 1, mean: 0.8, judged: 0, passed: 0 },
        ],
      },
      {
        experiment: 'capitals',
        runId: 'r2',
        items: 1,
        failed: 0,
        inputTokens: 1200,
        outputTokens: 300,
        costUsd: 0.02,
        evaluators: [{ name: 'exact_match', count: 1, scored: 1, mean: 1, judged: 1, passed: 1 }],
      },
    ]);

    const text = formatSummary(snapshot);
    expect(text).toContain('Evaluations: 5 events (gen_ai.evaluation.result)');
    expect(text).toMatch(/exact_match\s+3\s+0\.667\s+66\.7 %/);
    expect(text).toContain('Experiments: 2 runs');
    expect(text).toContain(
      'capitals (run r1): 2 items, 1 failed, 2,400 input / 600 output tokens, $0.0200',
    );
    expect(text).toContain('exact_match: mean 0.500 (2 scores), pass rate 50.0 %');
  });

  it('stays bounded: runs past the cap are folded into one entry', () => {
    const summary = new DevSummary({ limits: { experimentRuns: 2 } });
    for (let i = 0; i < 5; i++) summary.addSpan(itemSpan('e', `r${i}`, 'a'));
    const runs = summary.snapshot().experiments;
    expect(runs.map((r) => r.runId)).toEqual(['r0', 'r1', '(other)']);
    expect(runs[2]!.items).toBe(3);
  });

  it('prints nothing about evaluations when none arrived', () => {
    expect(formatSummary(new DevSummary().snapshot())).not.toContain('Evaluations');
  });
});
