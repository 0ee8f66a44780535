import type { EvaluatorInput } from '../../../src/evaluation/types';

/** One item run as an evaluator sees it: the given fields over harmless defaults. */
export function run(fields: Partial<EvaluatorInput>): EvaluatorInput {
  return { input: 'question', output: '', latencyMs: 10, ...fields };
}
