/**
 * runExperiment with no SDK at all (no tracer, logger provider or context manager): the items
 * still run and are scored; nothing is traced, tokens and cost are not measured, and the
 * summary says so. The scores are counted as not exported, with no other complaint.
 */
import { diag } from '@opentelemetry/api';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { evaluationCounters } from '../../../src/evaluation/evaluation-metrics';
import { exactMatch } from '../../../src/evaluation/evaluators';
import { runExperiment } from '../../../src/evaluation/run-experiment';
import { captureDiag } from '../../support/llm-instrumentation';

const diagLines: string[] = [];
beforeEach(() => captureDiag(diagLines));
afterEach(() => diag.disable());

it('runs and scores, says nothing was measured, and counts the scores as not exported', async () => {
  let printed = '';
  const before = evaluationCounters.notExported;
  const result = await runExperiment({
    name: 'no sdk',
    data: [
      { input: 'France', expected: 'Paris' },
      { input: 'Spain', expected: 'Madrid' },
    ],
    task: (country: string) => (country === 'France' ? 'Paris' : 'Barcelona'),
    evaluators: [exactMatch()],
    print: { write: (text: string) => (printed += text) },
  });
  expect(result.items.map((i) => i.scores.exact_match?.score)).toEqual([1, 0]);
  expect(result.items.every((i) => i.traceId === undefined && i.costUsd === 0)).toBe(true);
  expect(printed).toContain('note: no OpenTelemetry context manager');
  expect(evaluationCounters.notExported).toBe(before + 2);
  const reported = diagLines.filter((l) => l.includes('SL_'));
  expect(reported).toHaveLength(1);
  expect(reported[0]).toContain('SL_EVALUATION_NOT_EXPORTED');
});
