/**
 * The default parser of an LLM judge's reply: finds the score, whichever common way the judge
 * wrote it, and maps it to 0..1.
 */
import type { EvaluationScore } from '../types';

/** The range of the score a judge is asked for; it is mapped to 0..1. */
export interface JudgeScale {
  readonly min: number;
  readonly max: number;
}

/** What a parser found: a score in 0..1 (and why), or why there is none. */
export type JudgeParseResult =
  { readonly score: number; readonly explanation?: string } | { readonly problem: string };

const NUMBER = String.raw`[-+]?\d+(?:\.\d+)?`;
/** `score: 0.8`, `Score = 8/10`, `**Final score**: 4 out of 5`, `score 80%`. */
const LABELLED = new RegExp(
  String.raw`\bscore\b[^\d\n+-]{0,20}?(${NUMBER})(?:\s*(?:\/|out of)\s*(${NUMBER}))?\s*(%)?`,
  'gi',
);
/** `8/10`, `4 out of 5` anywhere (not part of a date such as 1/2/2025). */
const RATIO = new RegExp(
  String.raw`(?<![\d.\/])(${NUMBER})\s*(?:\/|out of)\s*(${NUMBER})(?!\.?\d|\/)`,
  'gi',
);
/** The whole reply is a number, optionally a percentage. */
const BARE = new RegExp(String.raw`^\s*(${NUMBER})\s*(%)?\s*[.!]?\s*$`);

const REASON_KEYS = ['reason', 'explanation', 'rationale', 'reasoning'];

/** The top-level `{…}` spans of `text` (braces inside JSON strings ignored), at most `max`. */
function objectSpans(text: string, max: number): string[] {
  const spans: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length && spans.length < max; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      if (depth > 0) inString = true;
    } else if (ch === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === '}' && depth > 0) {
      depth--;
      if (depth === 0) spans.push(text.slice(start, i + 1));
    }
  }
  return spans;
}

/** A number on `scale`, a ratio `a/b`, or a percentage, as 0..1; or the problem with it. */
function normalised(
  value: number,
  of: number | undefined,
  percent: boolean,
  scale: JudgeScale,
): JudgeParseResult {
  let score: number;
  let shown: string;
  if (of !== undefined) {
    if (!(of > 0) || value < 0 || value > of)
      return { problem: `the score ${value}/${of} is not a fraction` };
    score = value / of;
    shown = `${value}/${of}`;
  } else if (percent) {
    score = value / 100;
    shown = `${value}%`;
  } else {
    score = (value - scale.min) / (scale.max - scale.min);
    shown = String(value);
  }
  // Rounding of e.g. 0.7/0.7 may land a hair outside.
  if (score < 0 && score > -1e-9) score = 0;
  if (score > 1 && score < 1 + 1e-9) score = 1;
  if (!(score >= 0 && score <= 1)) {
    return { problem: `the score ${shown} is outside ${scale.min}..${scale.max}` };
  }
  return { score };
}

function fromJson(text: string, scale: JudgeScale): JudgeParseResult | undefined {
  for (const span of objectSpans(text, 20)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(span);
    } catch {
      continue;
    }
    if (parsed === null || typeof parsed !== 'object' || !('score' in parsed)) continue;
    const record = parsed as Record<string, unknown>;
    let result: JudgeParseResult | undefined;
    if (typeof record.score === 'number' && Number.isFinite(record.score)) {
      result = normalised(record.score, undefined, false, scale);
    } else if (typeof record.score === 'string') {
      result = fromText(`score: ${record.score}`, scale);
    }
    if (result === undefined) return { problem: 'the JSON score is not a number' };
    if ('problem' in result) return result;
    const reason = REASON_KEYS.map((key) => record[key]).find((v) => typeof v === 'string');
    return reason === undefined ? result : { score: result.score, explanation: reason as string };
  }
  return undefined;
}

function lastMatch(pattern: RegExp, text: string): RegExpExecArray | undefined {
  let last: RegExpExecArray | undefined;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) last = m;
  return last;
}

function fromText(text: string, scale: JudgeScale): JudgeParseResult | undefined {
  // The last labelled score wins: judges reason first and conclude last.
  const labelled = lastMatch(LABELLED, text);
  if (labelled !== undefined) {
    const of = labelled[2] === undefined ? undefined : Number(labelled[2]);
    return normalised(Number(labelled[1]), of, labelled[3] === '%', scale);
  }
  const ratio = lastMatch(RATIO, text);
  if (ratio !== undefined) return normalised(Number(ratio[1]), Number(ratio[2]), false, scale);
  const bare = BARE.exec(text);
  if (bare !== null) return normalised(Number(bare[1]), undefined, bare[2] === '%', scale);
  return undefined;
}

/**
 * Finds the score in a judge's reply, trying in turn:
 * 1. a JSON object with a `score` (anywhere in the reply, e.g. inside a code fence), whose
 *    `reason` (or `explanation`, `rationale`, `reasoning`) becomes the explanation;
 * 2. a labelled score, the last one in the reply: `score: 0.8`, `Score = 8/10`,
 *    `final score: 4 out of 5`, `score: 80%`;
 * 3. a fraction anywhere, the last one: `8/10`, `4 out of 5`;
 * 4. a reply that is only a number (`0.8`, `7`, `80%`).
 *
 * A plain number is read on `scale` (default 0..1; a rubric asking for 1 to 5 sets
 * `{ min: 1, max: 5 }`); a fraction is its value and a percentage its hundredth, whatever the
 * scale. Gives the problem when there is no score, or it falls outside its range.
 */
export function parseJudgeReply(
  reply: string,
  scale: JudgeScale = { min: 0, max: 1 },
): JudgeParseResult {
  return (
    fromJson(reply, scale) ?? fromText(reply, scale) ?? { problem: 'no score found in the reply' }
  );
}

/**
 * {@link parseJudgeReply} in the shape of a custom parser: the score (with the judge's reason
 * as explanation), or `undefined` when the reply has none.
 */
export function parseJudgeScore(reply: string, scale?: JudgeScale): EvaluationScore | undefined {
  const result = parseJudgeReply(reply, scale);
  return 'problem' in result ? undefined : result;
}
