/**
 * The names of the OpenTelemetry GenAI evaluation event (`gen_ai.evaluation.result`, semantic
 * conventions 1.38+) and of the experiment attributes sprintlens adds. In the bottom layer
 * because three parts spell them: the evaluation code that emits them, the log sampling that
 * never drops them, and the dev backend that summarises them.
 */

/** The event name (the log record's `EventName` field). */
export const EVALUATION_EVENT_NAME = 'gen_ai.evaluation.result';

export const ATTR_EVALUATION_NAME = 'gen_ai.evaluation.name';
export const ATTR_EVALUATION_SCORE_VALUE = 'gen_ai.evaluation.score.value';
export const ATTR_EVALUATION_SCORE_LABEL = 'gen_ai.evaluation.score.label';
export const ATTR_EVALUATION_EXPLANATION = 'gen_ai.evaluation.explanation';
export const ATTR_EVALUATION_RESPONSE_ID = 'gen_ai.response.id';
/** Whether the score met the evaluator's threshold (sprintlens; the conventions have none). */
export const ATTR_EVALUATION_PASSED = 'sprintlens.evaluation.passed';

/** On experiment item spans and on the evaluation events of an experiment. */
export const ATTR_EXPERIMENT_NAME = 'sprintlens.experiment.name';
export const ATTR_EXPERIMENT_RUN_ID = 'sprintlens.experiment.run_id';
export const ATTR_EXPERIMENT_ITEM_ID = 'sprintlens.experiment.item_id';
export const ATTR_EXPERIMENT_TRIAL = 'sprintlens.experiment.trial';
/**
 * An item run's totals over the LLM calls beneath it, on its span. Names of their own (not
 * `sprintlens.cost.usd`), so that a backend summing cost over all spans does not count a call
 * twice.
 */
export const ATTR_EXPERIMENT_ITEM_COST = 'sprintlens.experiment.item.cost.usd';
export const ATTR_EXPERIMENT_ITEM_INPUT_TOKENS = 'sprintlens.experiment.item.input_tokens';
export const ATTR_EXPERIMENT_ITEM_OUTPUT_TOKENS = 'sprintlens.experiment.item.output_tokens';
