import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { EvaluationInvalidOptionError } from '../../../src/base/errors';
import {
  DEFAULT_JUDGE_PROMPT,
  isUnparseableJudgeScore,
  JUDGE_UNPARSEABLE_LABEL,
  llmJudge,
  parseJudgeReply,
  parseJudgeScore,
} from '../../../src/evaluation/evaluators';
import type { EvaluationScore } from '../../../src/evaluation/types';
import { run } from './evaluator-args';

const RUBRIC = 'The answer names the capital city of the country asked about.';

/** A judge that always replies `reply`, and keeps the prompts it was sent. */
function fixedJudge(reply: unknown) {
  const prompts: string[] = [];
  const judge = async (prompt: string): Promise<string> => {
    prompts.push(prompt);
    return reply as string;
  };
  return { judge, prompts };
}

describe('the default judge score parser', () => {
  it.each([
    ['{"score": 0.8, "reason": "close"}', 0.8, 'close'],
    ['Here is my grade:\n```json\n{"score": 1, "explanation": "exact"}\n```', 1, 'exact'],
    ['{"score": "7/10"}', 0.7, undefined],
    ['The answer is right.\nScore: 0.9', 0.9, undefined],
    ['**Final score**: 4 out of 5', 0.8, undefined],
    ['score = 8/10 because it is mostly right', 0.8, undefined],
    ['Score: 75%', 0.75, undefined],
    ['I would rate it 3/4.', 0.75, undefined],
    ['0.25', 0.25, undefined],
    ['At first I thought score: 0.2, but on reflection score: 0.6', 0.6, undefined],
  ])('%j gives %d', (reply, score, explanation) => {
    const result = parseJudgeReply(reply);
    expect(result).toEqual(explanation === undefined ? { score } : { score, explanation });
  });

  it('reads plain numbers on the given scale; fractions and percentages are absolute', () => {
    const likert = { min: 1, max: 5 };
    expect(parseJudgeReply('score: 4', likert)).toEqual({ score: 0.75 });
    expect(parseJudgeReply('{"score": 1}', likert)).toEqual({ score: 0 });
    expect(parseJudgeReply('score: 4/8', likert)).toEqual({ score: 0.5 });
    expect(parseJudgeReply('7', { min: 0, max: 10 })).toEqual({ score: 0.7 });
  });

  it('gives the problem for replies without a usable score', () => {
    expect(parseJudgeReply('Looks good to me.')).toEqual({
      problem: 'no score found in the reply',
    });
    expect(parseJudgeReply('score: 8')).toEqual({ problem: 'the score 8 is outside 0..1' });
    expect(parseJudgeReply('score: 11/10')).toEqual({
      problem: 'the score 11/10 is not a fraction',
    });
    expect(parseJudgeReply('{"score": null}')).toEqual({
      problem: 'the JSON score is not a number',
    });
    // Parts of longer numbers are not fractions.
    expect(parseJudgeReply('Written on 1/2/2025 and 2025/12/01')).toEqual({
      problem: 'no score found in the reply',
    });
    expect(parseJudgeScore('nothing here')).toBeUndefined();
    expect(parseJudgeScore('score: 0.5')).toEqual({ score: 0.5 });
  });
});

describe('llmJudge', () => {
  it('fills the default prompt and parses the reply', async () => {
    const { judge, prompts } = fixedJudge('{"score": 0.9, "reason": "names Paris"}');
    const e = llmJudge({ rubric: RUBRIC, judge, threshold: 0.8 });
    expect(e.name).toBe('llm_judge');
    const verdict = await e.evaluate(
      run({ input: { country: 'France' }, output: 'Paris', expected: 'Paris' }),
    );
    expect(verdict).toEqual({
      score: 0.9,
      passed: true,
      label: 'pass',
      explanation: 'names Paris',
    });
    expect(prompts).toHaveLength(1);
    const prompt = prompts[0] as string;
    expect(prompt.startsWith('You are grading the output of an AI system')).toBe(true);
    expect(prompt).toContain(`Rubric:\n${RUBRIC}\n`);
    expect(prompt).toContain('Input given to the system:\n{"country":"France"}\n');
    expect(prompt).toContain('Output to grade:\nParis\n');
    expect(prompt).not.toMatch(/\{\{/);
    expect(DEFAULT_JUDGE_PROMPT).toContain('{{output}}');
  });

  it('replaces placeholders in one pass (a value holding {{output}} stays as it is)', async () => {
    const { judge, prompts } = fixedJudge('score: 1');
    const e = llmJudge({
      rubric: 'r',
      judge,
      promptTemplate: 'in={{input}} out={{ output }} exp={{expected}} meta={{metadata}}',
    });
    await e.evaluate(run({ input: '{{output}}', output: 'O', metadata: { k: 1 } }));
    expect(prompts[0]).toBe('in={{output}} out=O exp= meta={"k":1}');
  });

  it('bounds every value put into the prompt', async () => {
    const { judge, prompts } = fixedJudge('score: 1');
    const e = llmJudge({ rubric: 'r', judge, maxFieldLength: 5, promptTemplate: '{{output}}' });
    await e.evaluate(run({ output: 'abcdefghij' }));
    expect(prompts[0]).toBe('abcde…');
  });

  it('turns an unparseable reply into a verdict without a score, never an exception', async () => {
    const { judge } = fixedJudge('I cannot grade this.');
    const e = llmJudge({ rubric: RUBRIC, judge, threshold: 0.5 });
    const verdict = await e.evaluate(run({ output: 'Paris' }));
    expect(verdict).toEqual({
      label: JUDGE_UNPARSEABLE_LABEL,
      explanation: 'no score found in the reply: "I cannot grade this."',
    });
    expect(isUnparseableJudgeScore(verdict)).toBe(true);
    expect(isUnparseableJudgeScore({ score: 0.5, label: 'pass' })).toBe(false);
    const outOfRange = await llmJudge({
      rubric: RUBRIC,
      judge: fixedJudge('score: 9').judge,
    }).evaluate(run({ output: 'x' }));
    expect(outOfRange.explanation).toBe('the score 9 is outside 0..1: "score: 9"');
    const notText = await llmJudge({
      rubric: RUBRIC,
      judge: fixedJudge({ choices: [] }).judge,
    }).evaluate(run({ output: 'x' }));
    expect(notText).toEqual({
      label: 'unparseable',
      explanation: 'the judge returned an object, not the reply text',
    });
  });

  it('counts unparseable replies among many (what the runner does with the label)', async () => {
    const replies = ['score: 1', 'no idea', '{"score": 0.5}', '', 'score: 0/4'];
    let next = 0;
    const e = llmJudge({ rubric: RUBRIC, judge: async () => replies[next++] as string });
    const verdicts: EvaluationScore[] = [];
    for (let i = 0; i < replies.length; i++) verdicts.push(await e.evaluate(run({ output: 'x' })));
    expect(verdicts.filter(isUnparseableJudgeScore)).toHaveLength(2);
    expect(verdicts.map((v) => v.score)).toEqual([1, undefined, 0.5, undefined, 0]);
  });

  it('uses a custom parser; its failures are unparseable verdicts too', async () => {
    const passFail = (reply: string) =>
      reply.includes('PASS') ? 1 : reply.includes('FAIL') ? 0 : undefined;
    const e = llmJudge({
      rubric: RUBRIC,
      judge: fixedJudge('Verdict: PASS').judge,
      parseScore: passFail,
    });
    expect(await e.evaluate(run({ output: 'x' }))).toEqual({
      score: 1,
      explanation: 'Verdict: PASS',
    });
    const full = llmJudge({
      rubric: RUBRIC,
      judge: fixedJudge('ok').judge,
      parseScore: () => ({ score: 0.4, label: 'partial', explanation: 'half right' }),
      threshold: 0.5,
    });
    expect(await full.evaluate(run({ output: 'x' }))).toEqual({
      score: 0.4,
      passed: false,
      label: 'partial',
      explanation: 'half right',
    });
    const throws = llmJudge({
      rubric: RUBRIC,
      judge: fixedJudge('ok').judge,
      parseScore: () => {
        throw new TypeError('bad reply');
      },
    });
    expect(await throws.evaluate(run({ output: 'x' }))).toEqual({
      label: 'unparseable',
      explanation: 'the score parser threw TypeError: bad reply',
    });
    const outside = llmJudge({
      rubric: RUBRIC,
      judge: fixedJudge('ok').judge,
      parseScore: () => 7,
    });
    expect((await outside.evaluate(run({ output: 'x' }))).explanation).toBe(
      'the score parser gave the score 7, outside 0..1: "ok"',
    );
  });

  it('a judge that throws fails the evaluation (the runner records it)', async () => {
    const e = llmJudge({
      rubric: RUBRIC,
      judge: async () => {
        throw new Error('429 rate limited');
      },
    });
    await expect(e.evaluate(run({ output: 'x' }))).rejects.toThrow('429 rate limited');
  });

  it('calls the judge in the caller’s async context (so its LLM call nests in the item span)', async () => {
    const store = new AsyncLocalStorage<string>();
    let seen: string | undefined;
    const e = llmJudge({
      rubric: RUBRIC,
      judge: async () => {
        seen = store.getStore();
        return 'score: 1';
      },
    });
    await store.run('item-7', () => e.evaluate(run({ output: 'x' })));
    expect(seen).toBe('item-7');
  });

  it('refuses bad options at construction', () => {
    const judge = async () => 'score: 1';
    expect(() => llmJudge({ rubric: '', judge })).toThrow(EvaluationInvalidOptionError);
    expect(() => llmJudge({ rubric: 'r' } as never)).toThrow(EvaluationInvalidOptionError);
    expect(() => llmJudge({ rubric: 'r', judge, promptTemplate: 'no output here' })).toThrow(
      /a template with \{\{output\}\}/,
    );
    expect(() => llmJudge({ rubric: 'r', judge, promptTemplate: '{{output}} {{answer}}' })).toThrow(
      /placeholders among/,
    );
    expect(() => llmJudge({ rubric: 'r', judge, scale: { min: 5, max: 1 } })).toThrow(
      EvaluationInvalidOptionError,
    );
  });
});
