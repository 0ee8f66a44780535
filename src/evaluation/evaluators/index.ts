/**
 * The built-in evaluators. Each is a factory taking an options object and returning an
 * {@link Evaluator}; invalid options throw `SL_EVALUATION_INVALID_OPTION` at once, while bad
 * data in an item run never throws (it scores 0, with the reason in the explanation). See
 * docs/evaluation-reference.md.
 */
export { exactMatch } from './exact-match';
export type { ExactMatchOptions } from './exact-match';
export { contains } from './contains';
export type { ContainsOptions } from './contains';
export { regex } from './regex';
export type { RegexOptions } from './regex';
export { validJson } from './valid-json';
export type { ValidJsonOptions } from './valid-json';
export { jsonSchema } from './json-schema';
export type { JsonSchemaOptions, SchemaCompiler } from './json-schema';
export { editDistance, editSimilarity } from './edit-distance';
export type { EditDistanceOptions } from './edit-distance';
export { rougeL, rougeLParts, lcsLength } from './rouge-l';
export type { RougeLOptions, RougeLParts } from './rouge-l';
export { bleu, bleuParts } from './bleu';
export type { BleuOptions, BleuParts, BleuSmoothing } from './bleu';
export { wordTokens } from './tokenize';
export type { Tokenizer } from './tokenize';
export { semanticSimilarity, cosineSimilarity } from './semantic-similarity';
export type { EmbedFunction, SemanticSimilarityOptions } from './semantic-similarity';
export { latencyBudget, costBudget, budgetScore } from './budgets';
export type { LatencyBudgetOptions, CostBudgetOptions } from './budgets';
export {
  llmJudge,
  DEFAULT_JUDGE_PROMPT,
  JUDGE_UNPARSEABLE_LABEL,
  isUnparseableJudgeScore,
} from './llm-judge';
export type { JudgeFunction, JudgeParser, LlmJudgeOptions } from './llm-judge';
export { parseJudgeReply, parseJudgeScore } from './judge-score';
export type { JudgeParseResult, JudgeScale } from './judge-score';
export type {
  BaseEvaluatorOptions,
  FieldSelector,
  ReferenceOptions,
  TextNormalisationOptions,
  ThresholdOptions,
} from './shared';
