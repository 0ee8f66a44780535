import { cut, safeStringify } from '../../base/text';
import type { EvaluationScore, Evaluator, EvaluatorInput } from '../types';
import {
  defaultExpected,
  defaultOutput,
  describeValue,
  invalidOption,
  MAX_EXPLANATION,
  nameOption,
  optionsObject,
  passedAt,
  selectorOption,
  thresholdOption,
  verdict,
} from './shared';
import type { BaseEvaluatorOptions, ReferenceOptions, ThresholdOptions } from './shared';
import { parseJudgeReply } from './judge-score';
import type { JudgeScale } from './judge-score';

/**
 * The label of a judge verdict without a score: the reply could not be parsed (or the parser
 * threw, or the judge returned something other than text). Such a verdict has no `score` and
 * no `passed`, only this label and an explanation; count them with {@link isUnparseableJudgeScore}.
 */
export const JUDGE_UNPARSEABLE_LABEL = 'unparseable';

/** Whether a verdict is a judge reply that could not be parsed (see {@link JUDGE_UNPARSEABLE_LABEL}). */
export function isUnparseableJudgeScore(score: EvaluationScore): boolean {
  return score.label === JUDGE_UNPARSEABLE_LABEL && score.score === undefined;
}

/** Sends a prompt to the judging model and returns its reply text. */
export type JudgeFunction = (prompt: string) => Promise<string> | string;

/** A custom parser: a score in 0..1 (or a whole verdict), or `undefined` when there is none. */
export type JudgeParser = (reply: string) => number | EvaluationScore | undefined;

/** Options of {@link llmJudge}. */
export interface LlmJudgeOptions extends BaseEvaluatorOptions, ReferenceOptions, ThresholdOptions {
  /** What a good output is, in words: the judge grades against it. */
  readonly rubric: string;
  /**
   * Calls the judging model, with any client the app uses, e.g.
   * `async (prompt) => (await openai.chat.completions.create({ model, messages: [{ role:
   * 'user', content: prompt }] })).choices[0].message.content ?? ''`. It runs inside the item's
   * span, so the call is traced (and costed) like the task's own. If it throws, the evaluation
   * fails with that error and the runner records it.
   */
  readonly judge: JudgeFunction;
  /**
   * The prompt, with `{{rubric}}`, `{{input}}`, `{{output}}` (required), `{{expected}}` and
   * `{{metadata}}` replaced (values that are not strings as JSON). Default
   * {@link DEFAULT_JUDGE_PROMPT}.
   */
  readonly promptTemplate?: string;
  /** The range of a plain-number score the rubric asks for, mapped to 0..1. Default 0..1. */
  readonly scale?: JudgeScale;
  /** Replaces the default parser ({@link parseJudgeReply}). It must give scores in 0..1. */
  readonly parseScore?: JudgeParser;
  /** Each value put into the prompt is cut to this many characters. Default 8000. */
  readonly maxFieldLength?: number;
}

/** The default prompt of {@link llmJudge}; its reply format is what the default parser reads first. */
export const DEFAULT_JUDGE_PROMPT = `You are grading the output of an AI system against a rubric.

Rubric:
{{rubric}}

Input given to the system:
{{input}}

Reference answer (may be empty):
{{expected}}

Output to grade:
{{output}}

Grade only against the rubric. Reply with one JSON object and nothing else:
{"score": <a number from 0 to 1, where 1 fully meets the rubric>, "reason": "<one or two sentences>"}`;

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;
const FIELDS = ['rubric', 'input', 'output', 'expected', 'metadata'];
const WHERE = 'llmJudge()';
/** How much of an unparseable reply the explanation quotes. */
const QUOTED_REPLY = 300;

function unparseable(explanation: string): EvaluationScore {
  return { label: JUDGE_UNPARSEABLE_LABEL, explanation: cut(explanation, MAX_EXPLANATION) };
}

/**
 * An LLM-as-judge evaluator: builds a prompt from the rubric and the item run, calls `judge`,
 * and parses the score out of the reply (0..1; with `threshold`, `passed` is
 * `score >= threshold`). A reply without a usable score is never an exception: the verdict has
 * no score, the label {@link JUDGE_UNPARSEABLE_LABEL} and the reason. Default name `llm_judge`.
 */
export function llmJudge(options: LlmJudgeOptions): Evaluator {
  const o = optionsObject(WHERE, options);
  const name = nameOption(WHERE, o.name, 'llm_judge');
  const getOutput = selectorOption(WHERE, 'getOutput', o.getOutput, defaultOutput);
  const getExpected = selectorOption(WHERE, 'getExpected', o.getExpected, defaultExpected);
  const threshold = thresholdOption(WHERE, o.threshold);
  if (typeof o.rubric !== 'string' || o.rubric.trim() === '') {
    invalidOption(WHERE, 'rubric', 'a non-empty string');
  }
  if (typeof o.judge !== 'function') {
    invalidOption(WHERE, 'judge', 'a function (prompt) => Promise<string>');
  }
  if (o.parseScore !== undefined && typeof o.parseScore !== 'function') {
    invalidOption(WHERE, 'parseScore', 'a function (reply) => number | undefined');
  }
  const template = o.promptTemplate ?? DEFAULT_JUDGE_PROMPT;
  if (typeof template !== 'string') invalidOption(WHERE, 'promptTemplate', 'a string');
  const placeholders = [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
  if (!placeholders.includes('output')) {
    invalidOption(WHERE, 'promptTemplate', 'a template with {{output}}');
  }
  const unknown = placeholders.find((p) => !FIELDS.includes(p));
  if (unknown !== undefined) {
    invalidOption(WHERE, 'promptTemplate', `placeholders among {{${FIELDS.join('}}, {{')}}}`);
  }
  const scale = o.scale ?? { min: 0, max: 1 };
  if (
    typeof scale !== 'object' ||
    !Number.isFinite(scale.min) ||
    !Number.isFinite(scale.max) ||
    !(scale.max > scale.min)
  ) {
    invalidOption(WHERE, 'scale', '{ min, max } with finite numbers, max > min');
  }
  const maxFieldLength = o.maxFieldLength ?? 8000;
  if (!Number.isInteger(maxFieldLength) || maxFieldLength < 1) {
    invalidOption(WHERE, 'maxFieldLength', 'a positive integer');
  }
  const { judge, rubric, parseScore } = o;
  const field = (value: unknown): string =>
    typeof value === 'string'
      ? cut(value, maxFieldLength)
      : value === undefined
        ? ''
        : safeStringify(value, { maxLength: maxFieldLength });
  const prompt = (args: EvaluatorInput): string => {
    const values: Record<string, unknown> = {
      rubric,
      input: args.input,
      output: getOutput(args),
      expected: getExpected(args),
      metadata: args.metadata,
    };
    // One pass: a value that itself holds `{{output}}` is not replaced again.
    return template.replace(PLACEHOLDER, (_, key: string) => field(values[key]));
  };
  const parse = (reply: string): EvaluationScore => {
    if (parseScore === undefined) {
      const result = parseJudgeReply(reply, scale);
      if ('problem' in result) {
        return unparseable(`${result.problem}: ${JSON.stringify(cut(reply, QUOTED_REPLY))}`);
      }
      return verdict(
        result.score,
        passedAt(result.score, threshold),
        result.explanation ?? cut(reply, MAX_EXPLANATION),
      );
    }
    let parsed: number | EvaluationScore | undefined;
    try {
      parsed = parseScore(reply);
    } catch (error) {
      return unparseable(
        `the score parser threw ${
          error instanceof Error
            ? `${error.name}: ${cut(error.message, 200)}`
            : describeValue(error)
        }`,
      );
    }
    const verdictOf = typeof parsed === 'number' ? { score: parsed } : parsed;
    const score = verdictOf?.score;
    if (typeof score !== 'number' || !(score >= 0 && score <= 1)) {
      return unparseable(
        `the score parser gave ${score === undefined ? 'no score' : `the score ${score}, outside 0..1`}: ` +
          JSON.stringify(cut(reply, QUOTED_REPLY)),
      );
    }
    // The parser's own passed and label win over the threshold's.
    const base = verdict(
      score,
      verdictOf?.passed ?? passedAt(score, threshold),
      verdictOf?.explanation ?? cut(reply, MAX_EXPLANATION),
    );
    return verdictOf?.label === undefined ? base : { ...base, label: verdictOf.label };
  };
  return {
    name,
    async evaluate(args) {
      const reply: unknown = await judge(prompt(args));
      if (typeof reply !== 'string') {
        return unparseable(`the judge returned ${describeValue(reply)}, not the reply text`);
      }
      return parse(reply);
    },
  };
}
