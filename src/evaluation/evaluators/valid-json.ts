import type { Evaluator } from '../types';
import {
  booleanOption,
  defaultOutput,
  describeValue,
  nameOption,
  optionsObject,
  selectorOption,
  textOf,
  unusable,
  verdict,
} from './shared';
import type { BaseEvaluatorOptions } from './shared';

/** Options of {@link validJson}. */
export interface ValidJsonOptions extends BaseEvaluatorOptions {
  /**
   * Also accept JSON wrapped in one Markdown code fence (```` ```json … ``` ````), as chat
   * models often answer. Default `false`: the whole text must be JSON.
   */
  readonly allowCodeFence?: boolean;
}

/** The outcome of reading JSON text. */
export type JsonTextResult =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

const CODE_FENCE = /^\s*```[\w-]*[^\S\n]*\n([\s\S]*?)\n?```\s*$/;

/** Parses `text` as JSON (optionally inside one code fence); never throws. */
export function parseJsonText(text: string, allowCodeFence: boolean): JsonTextResult {
  let source = text;
  if (allowCodeFence) {
    const fenced = CODE_FENCE.exec(text);
    if (fenced !== null) source = fenced[1] ?? '';
  }
  try {
    return { ok: true, value: JSON.parse(source) as unknown };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : 'not JSON' };
  }
}

const WHERE = 'validJson()';

/**
 * Whether the output is JSON text: score 1 and `passed` when `JSON.parse` accepts it, else 0
 * with the parser's message. The output must be text; an object the task already parsed is not
 * JSON text (check it with {@link jsonSchema}). Default name `valid_json`.
 */
export function validJson(options?: ValidJsonOptions): Evaluator {
  const o = optionsObject(WHERE, options);
  const name = nameOption(WHERE, o.name, 'valid_json');
  const getOutput = selectorOption(WHERE, 'getOutput', o.getOutput, defaultOutput);
  const allowCodeFence = booleanOption(WHERE, 'allowCodeFence', o.allowCodeFence) ?? false;
  return {
    name,
    evaluate(args) {
      const output = getOutput(args);
      const text = textOf(output);
      if (text === undefined) {
        return unusable(`the output is ${describeValue(output)}, not JSON text`, true);
      }
      const parsed = parseJsonText(text, allowCodeFence);
      return parsed.ok ? verdict(1, true) : verdict(0, false, `not JSON: ${parsed.reason}`);
    },
  };
}
