/**
 * The experiment commands' arguments (positionals and a repeatable flag, through the shared
 * reader) and the progress display of `experiment run`: one line rewritten in place on a
 * terminal, a line per item run elsewhere. (The commands themselves run in
 * test/integration/experiment-cli.test.ts.)
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseExperimentCompareFlags } from '../../../src/cli/experiment-compare';
import { parseExperimentRunFlags, ProgressDisplay } from '../../../src/cli/experiment-run';
import type { ItemResult } from '../../../src/evaluation/types';

function problem(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no problem';
}

describe('arguments', () => {
  it('run: one file, the flags with their values', () => {
    expect(
      parseExperimentRunFlags(['exp.mjs', '--out', 'a.json', '--trials', '3', '--fail-on-error']),
    ).toMatchObject({ file: 'exp.mjs', out: 'a.json', trials: 3, failOnError: true });
    expect(problem(() => parseExperimentRunFlags([]))).toMatch(/^<file>: missing/);
    expect(problem(() => parseExperimentRunFlags(['a.mjs', 'b.mjs']))).toMatch(
      /^b\.mjs: unexpected argument/,
    );
    expect(problem(() => parseExperimentRunFlags(['a.mjs', '--fail-under', '1.5']))).toMatch(
      /^--fail-under: "1\.5" is not a number from 0 to 1/,
    );
    // --help needs no file.
    expect(parseExperimentRunFlags(['--help']).help).toBe(true);
  });

  it('compare: two files, --evaluator repeated, the rest once', () => {
    expect(
      parseExperimentCompareFlags([
        'a.json',
        '--evaluator',
        'exact_match',
        'b.json',
        '--evaluator',
        'llm_judge',
        '--threshold',
        '0.05',
      ]),
    ).toMatchObject({
      files: ['a.json', 'b.json'],
      evaluators: ['exact_match', 'llm_judge'],
      threshold: 0.05,
    });
    expect(problem(() => parseExperimentCompareFlags(['a.json']))).toMatch(/^<b\.json>: missing/);
    expect(
      problem(() =>
        parseExperimentCompareFlags(['a', 'b', '--threshold', '1', '--threshold', '2']),
      ),
    ).toMatch(/^--threshold: given more than once/);
    expect(problem(() => parseExperimentCompareFlags(['a', 'b', '--confidence', '1']))).toMatch(
      /--confidence: must be between 0 and 1/,
    );
    expect(problem(() => parseExperimentCompareFlags(['a', 'b', '--rule', 'x']))).toMatch(
      /--rule: "x" is not ci or mean/,
    );
  });
});

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return { stream, text: () => text };
}

function item(id: string, overrides: Partial<ItemResult> = {}): ItemResult {
  return {
    id,
    trial: 0,
    output: 'x',
    latencyMs: 12.4,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    scores: { exact_match: { score: 1, passed: true }, judge: { label: 'unparseable' } },
    ...overrides,
  };
}

describe('progress', () => {
  it('off a terminal: one plain line per item run', () => {
    const out = collect();
    const display = new ProgressDisplay(out.stream, false);
    display.update(item('a'), { done: 1, total: 2, failures: 0 });
    display.update(item('b', { trial: 1, error: { type: 'TypeError', message: 'x' } }), {
      done: 2,
      total: 2,
      failures: 1,
    });
    display.end();
    expect(out.text()).toBe(
      '[1/2] a: ok, 12 ms, exact_match 1, judge unparseable\n' +
        '[2/2] b (trial 2): failed (TypeError), 12 ms\n',
    );
  });

  it('on a terminal: one line updated in place, at most every 100 ms, the last always', () => {
    const out = collect();
    let now = 0;
    const display = new ProgressDisplay(out.stream, true, () => now);
    const state = (done: number) => ({ done, total: 3, failures: done === 3 ? 1 : 0 });
    display.update(item('a'), state(1));
    now = 50;
    display.update(item('b'), state(2)); // too soon: not drawn
    now = 1200;
    display.update(item('c'), state(3)); // the last: drawn
    display.end();
    expect(out.text()).toBe(
      '\r  1/3 item runs, 0 failed, 0.0 s' + '\r  3/3 item runs, 1 failed, 1.2 s\n',
    );
  });
});
