/**
 * sprintlens: OpenTelemetry-native instrumentation for Node.js services that call LLMs.
 *
 * Run an app with `node --require sprintlens/register app.js` (or `--import` for ES modules),
 * or call {@link start}; with your own `NodeSDK`, use {@link getInstrumentations} and the
 * exporter factories instead.
 */
export { start } from './start/start';
export type { SprintlensHandle } from './start/start';
export { getInstrumentations } from './get-instrumentations';
export type { InstrumentationOptions } from './get-instrumentations';
export {
  createLogExporter,
  createLogRecordProcessor,
  createMetricExporter,
  createSpanProcessor,
  createTraceExporter,
  TransportLogRecordProcessor,
  TransportSpanProcessor,
} from '../exporters/index';
export type {
  DropReason,
  ExporterOptions,
  TransportStats,
  TransportStatsSource,
  TransportTunables,
} from '../exporters/index';
export { OpenAIInstrumentation } from '../instrumentations/openai';
export type { OpenAIInstrumentationConfig } from '../instrumentations/openai';
export { AnthropicInstrumentation } from '../instrumentations/anthropic';
export type { AnthropicInstrumentationConfig } from '../instrumentations/anthropic';
export { AiSdkInstrumentation } from '../instrumentations/ai-sdk';
export type { AiSdkInstrumentationConfig } from '../instrumentations/ai-sdk';
export { BedrockInstrumentation } from '../instrumentations/bedrock';
export type { BedrockInstrumentationConfig } from '../instrumentations/bedrock';
export { GoogleGenAIInstrumentation } from '../instrumentations/google-genai';
export type { GoogleGenAIInstrumentationConfig } from '../instrumentations/google-genai';
export { LangChainInstrumentation } from '../instrumentations/langchain';
export type { LangChainInstrumentationConfig } from '../instrumentations/langchain';
export { FastifyInstrumentation } from '../instrumentations/fastify';
export type {
  FastifyInstrumentationConfig,
  FastifyRequestInfo,
  FastifyRequestLike,
} from '../instrumentations/fastify';
export type { GenAiConfig } from '../instrumentations/genai';
export type { ModelPrice, PriceTable } from './config/prices';
export { PinoInstrumentation } from '../instrumentations/pino';
export { WinstonInstrumentation } from '../instrumentations/winston';
export { BunyanInstrumentation } from '../instrumentations/bunyan';
export { ConsoleInstrumentation } from '../instrumentations/console';
export type { LogInstrumentationConfig } from '../instrumentations/logs-common/config';
export type { AttributeBounds } from '../instrumentations/logs-common/bounds';
export { resolveConfig } from './config/resolve';
export type { ConfigResolution } from './config/resolve';
export type {
  Compression,
  DiagLevelName,
  LogSamplingScope,
  OtlpProtocol,
  ResolvedConfig,
  SampledSeverity,
  SignalExportConfig,
  SprintlensOptions,
  TracesSamplerName,
} from './config/options';
export { track, TRACK_INPUT_ATTRIBUTE, TRACK_OUTPUT_ATTRIBUTE } from './track';
export type { TrackOptions } from './track';
export {
  attributesMiddleware,
  ContextAttributesLogRecordProcessor,
  ContextAttributesSpanProcessor,
  withAttributes,
} from './context';
export type {
  ExpressAttributesMiddleware,
  FastifyAttributesHook,
  KoaAttributesMiddleware,
  SelectAttributes,
} from './context';
export { recordEvaluation } from './evaluation/record-evaluation';
export type { RecordEvaluationOptions } from './evaluation/record-evaluation';
export { runExperiment } from './evaluation/run-experiment';
export type {
  ExperimentProgress,
  RunExperimentOptions,
  TextSink,
} from './evaluation/run-experiment';
export type { ExperimentTask } from './evaluation/item-run';
export type {
  DatasetFormat,
  DatasetRecord,
  ExperimentData,
  SkippedLine,
} from './evaluation/dataset';
export { compareExperiments, formatComparison } from './evaluation/compare';
export type {
  CompareOptions,
  EvaluatorComparison,
  ExperimentComparison,
  GateRule,
  MeasureComparison,
  RunIdentity,
} from './evaluation/compare';
export type { Interval, SignTestResult } from './evaluation/statistics';
export type {
  EvaluationScore,
  Evaluator,
  EvaluatorFunction,
  EvaluatorInput,
  EvaluatorSummary,
  ExperimentItem,
  ExperimentResult,
  ExperimentSummary,
  ItemResult,
  ItemScore,
} from './evaluation/types';
export {
  bleu,
  bleuParts,
  budgetScore,
  contains,
  cosineSimilarity,
  costBudget,
  DEFAULT_JUDGE_PROMPT,
  editDistance,
  editSimilarity,
  exactMatch,
  isUnparseableJudgeScore,
  JUDGE_UNPARSEABLE_LABEL,
  jsonSchema,
  latencyBudget,
  lcsLength,
  llmJudge,
  parseJudgeReply,
  parseJudgeScore,
  regex,
  rougeL,
  rougeLParts,
  semanticSimilarity,
  validJson,
  wordTokens,
} from './evaluation/evaluators/index';
export type {
  BaseEvaluatorOptions,
  BleuOptions,
  BleuParts,
  BleuSmoothing,
  ContainsOptions,
  CostBudgetOptions,
  EditDistanceOptions,
  EmbedFunction,
  ExactMatchOptions,
  FieldSelector,
  JsonSchemaOptions,
  JudgeFunction,
  JudgeParser,
  JudgeParseResult,
  JudgeScale,
  LatencyBudgetOptions,
  LlmJudgeOptions,
  ReferenceOptions,
  RegexOptions,
  RougeLOptions,
  RougeLParts,
  SchemaCompiler,
  SemanticSimilarityOptions,
  TextNormalisationOptions,
  ThresholdOptions,
  Tokenizer,
  ValidJsonOptions,
} from './evaluation/evaluators/index';
export { logPattern } from './sampling/log-pattern';
export { createLogSamplingProcessor } from './sampling/create-log-sampling-processor';
export type { LogSamplingOptions } from './sampling/create-log-sampling-processor';
export type { LogSamplingProcessor } from './sampling/log-sampling-processor';
export type { LogPattern } from './sampling/log-pattern';
export { registerMetrics } from './metrics/register-metrics';
export { createRedactor, BUILTIN_REDACTION_KINDS } from './redaction';
export type {
  BuiltinRedactionKind,
  CustomRedactionPattern,
  RedactionOptions,
  Redactor,
} from './redaction';
export { ERROR_CODES, SprintlensError } from './base/errors';
export type { ErrorCode } from './base/errors';
export { VERSION } from './base/version';
