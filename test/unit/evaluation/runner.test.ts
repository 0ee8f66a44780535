/**
 * runExperiment in process, with real SDK providers in memory and a fake LLM method wrapped by
 * the real LLM call pipeline: item spans with the LLM spans beneath, tokens and cost per item
 * from those calls (the evaluators' own calls counted apart), failures recorded, evaluators of
 * every form, scores as events on the item spans, bounded concurrency, trials, options.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diag, SpanStatusCode } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PriceBook, wrapLlmMethod } from '../../../instrumentations/genai';
import type { GenAiTelemetry, LlmAdapter } from '../../../instrumentations/genai';
import { costBudget, exactMatch } from '../../../src/evaluation/evaluators';
import { llmJudge } from '../../../src/evaluation/evaluators/llm-judge';
import { runExperiment } from '../../../src/evaluation/run-experiment';
import type { RunExperimentOptions } from '../../../src/evaluation/run-experiment';
import type { ExperimentResult } from '../../../src/evaluation/types';
import { REPO_ROOT } from '../../support/paths';
import { captureDiag } from '../../support/llm-instrumentation';
import { inMemoryTelemetry } from '../context/in-memory-telemetry';

const telemetry = inMemoryTelemetry();
const diagLines: string[] = [];
beforeEach(() => captureDiag(diagLines));
afterEach(() => diag.disable());

/** USD per million tokens: a call of 1000 input and 500 output tokens costs $0.002. */
const PRICES = new PriceBook([{ 'fake-model': { input: 1, output: 2 } }]);
const CALL_COST = 0.002;

/** A fake chat method through the real pipeline: answers `reply(prompt)`, 1000 + 500 tokens. */
function fakeChat(
  reply: (prompt: string) => string,
  model = 'fake-model',
): (prompt: string) => Promise<string> {
  const adapter: LlmAdapter = {
    request: () => ({
      operation: 'chat',
      provider: 'fake',
      requestModel: model,
      attributes: {},
    }),
    readResult: (call, result) => {
      call.responseId = 'resp-1';
      call.inputTokens = 1000;
      call.outputTokens = 500;
      void result;
    },
  };
  const genAi: GenAiTelemetry = {
    tracer: telemetry.tracer,
    metrics: undefined,
    prices: PRICES,
    content: undefined,
  };
  const original = async (prompt: string): Promise<string> => {
    await new Promise((resolve) => setImmediate(resolve));
    return reply(prompt);
  };
  return wrapLlmMethod(adapter, () => genAi)(original as (...args: unknown[]) => unknown) as (
    prompt: string,
  ) => Promise<string>;
}

const CAPITALS: Record<string, string> = { France: 'Paris', Italy: 'Rome', Spain: 'Madrid' };
const chat = fakeChat((prompt) =>
  prompt.includes('Spain') ? 'Barcelona' : (CAPITALS[prompt.split(' ').pop()!] ?? '?'),
);
const DATA = [
  { id: 'fr', input: 'France', expected: 'Paris' },
  { id: 'it', input: 'Italy', expected: 'Rome' },
  { id: 'es', input: 'Spain', expected: 'Madrid' },
];

function quiet<I, O, E>(options: RunExperimentOptions<I, O, E>): Promise<ExperimentResult> {
  return runExperiment({ print: false, ...options });
}

describe('item runs', () => {
  it('are spans of their own, with the LLM spans beneath and their tokens and cost', async () => {
    const result = await quiet({
      name: 'capitals',
      runId: 'run-1',
      data: DATA,
      // Two LLM calls per item: both beneath the item span, both counted.
      task: async (country: string) => {
        await chat(`warm up ${country}`);
        return chat(`capital of ${country}`);
      },
    });
    expect(result.items.map((i) => i.id)).toEqual(['fr', 'it', 'es']);
    const itemSpans = telemetry.spans().filter((s) => s.name === 'experiment_item capitals');
    expect(itemSpans).toHaveLength(3);
    for (const item of result.items) {
      const span = itemSpans.find((s) => s.spanContext().spanId === item.spanId)!;
      expect(span.attributes).toMatchObject({
        'sprintlens.experiment.name': 'capitals',
        'sprintlens.experiment.run_id': 'run-1',
        'sprintlens.experiment.item_id': item.id,
        'sprintlens.experiment.trial': 0,
        'sprintlens.experiment.item.input_tokens': 2000,
        'sprintlens.experiment.item.output_tokens': 1000,
      });
      expect(span.parentSpanContext).toBeUndefined(); // a trace per item run
      expect(span.spanContext().traceId).toBe(item.traceId);
      const beneath = telemetry.spans().filter((s) => s.parentSpanContext?.spanId === item.spanId);
      expect(beneath.map((s) => s.name)).toEqual(['chat fake-model', 'chat fake-model']);
      expect(item.inputTokens).toBe(2000);
      expect(item.outputTokens).toBe(1000);
      expect(item.costUsd).toBeCloseTo(2 * CALL_COST, 12);
      expect(item.latencyMs).toBeGreaterThan(0);
    }
    expect(result.summary).toMatchObject({ items: 3, failures: 0, inputTokens: 6000 });
    expect(result.summary.costUsd).toBeCloseTo(6 * CALL_COST, 12);
  });

  it('an unpriced model call makes the cost unknown to evaluators, never a guessed 0', async () => {
    const unpriced = fakeChat(() => 'Paris', 'model-without-price');
    const result = await quiet({
      name: 'unpriced',
      data: [DATA[0]!],
      task: async (country: string) => {
        await chat(`warm up ${country}`); // priced: a partial sum is no total either
        return unpriced(`capital of ${country}`);
      },
      evaluators: [costBudget({ maxUsd: 1 })],
    });
    const score =
      result.items[0]!.scores['cost_budget'] ?? Object.values(result.items[0]!.scores)[0];
    expect(score).toMatchObject({ label: 'unknown' });
    expect(score).not.toHaveProperty('passed');
  });

  it('records a failing task with its error type and message, and runs the rest', async () => {
    class QuotaError extends Error {}
    const result = await quiet({
      name: 'failing',
      data: DATA,
      task: (country: string) => {
        if (country === 'Italy') throw new QuotaError('quota exceeded for key sk-…');
        return Promise.reject(country === 'Spain' ? 'a string' : new TypeError('bad input'));
      },
      evaluators: [exactMatch()],
    });
    expect(result.items.map((i) => i.error)).toEqual([
      { type: 'TypeError', message: 'bad input' },
      { type: 'QuotaError', message: 'quota exceeded for key sk-…' },
      { type: 'string', message: 'thrown: a string' },
    ]);
    // No output, so no score: the evaluators do not run on a failed item.
    expect(result.items.every((i) => Object.keys(i.scores).length === 0)).toBe(true);
    expect(result.summary.failures).toBe(3);
    const span = telemetry.spans().find((s) => s.spanContext().spanId === result.items[1]!.spanId)!;
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'QuotaError' });
    expect(span.attributes['error.type']).toBe('QuotaError');
    // The message may quote input: it stays in the result file, off the span.
    expect(JSON.stringify([span.attributes, span.status, span.events])).not.toContain('quota');
  });
});

describe('evaluators', () => {
  it('score each output: objects, functions returning objects, numbers and booleans', async () => {
    const result = await quiet({
      name: 'scores',
      data: DATA,
      task: (country: string) => chat(`capital of ${country}`),
      evaluators: [
        exactMatch(),
        function length({ output }: { output: string }) {
          return { score: output.length / 10, label: 'chars', explanation: `${output.length}` };
        },
        ({ output }: { output: string }) => output.startsWith('B'),
        function costly({ costUsd }: { costUsd?: number }) {
          return costUsd ?? -1;
        },
      ],
    });
    expect(result.items[0]!.scores).toEqual({
      exact_match: expect.objectContaining({ score: 1, passed: true }) as object,
      length: { score: 0.5, label: 'chars', explanation: '5' },
      evaluator_3: { score: 0, passed: false },
      costly: { score: CALL_COST },
    });
    expect(result.items[2]!.scores.exact_match).toMatchObject({ score: 0, passed: false });
    const exact = result.summary.evaluators.find((e) => e.name === 'exact_match')!;
    expect(exact).toMatchObject({ count: 3, errors: 0, passRate: 2 / 3 });
    expect(exact.mean).toBeCloseTo(2 / 3, 12);
    expect(result.summary.evaluators.map((e) => e.name)).toEqual([
      'exact_match',
      'length',
      'evaluator_3',
      'costly',
    ]);
  });

  it('record each verdict as an event on its item span, with the experiment attributes', async () => {
    const result = await quiet({
      name: 'events',
      runId: 'run-ev',
      data: DATA.slice(0, 2),
      task: (country: string) => chat(`capital of ${country}`),
      evaluators: [exactMatch()],
    });
    const events = telemetry.records().filter((r) => r.eventName === 'gen_ai.evaluation.result');
    expect(events).toHaveLength(2);
    for (const item of result.items) {
      const event = events.find((e) => e.attributes['sprintlens.experiment.item_id'] === item.id)!;
      expect(event.spanContext?.spanId).toBe(item.spanId);
      expect(event.spanContext?.traceId).toBe(item.traceId);
      expect(event.attributes).toMatchObject({
        'gen_ai.evaluation.name': 'exact_match',
        'gen_ai.evaluation.score.value': 1,
        'sprintlens.evaluation.passed': true,
        'sprintlens.experiment.name': 'events',
        'sprintlens.experiment.run_id': 'run-ev',
        'sprintlens.experiment.trial': 0,
      });
    }
  });

  it('that throw or return no verdict are counted as errors, never fatal', async () => {
    const result = await quiet({
      name: 'broken evaluators',
      data: DATA,
      task: (country: string) => country,
      evaluators: [
        function throws() {
          throw new RangeError('evaluator bug');
        },
        function rejects() {
          return Promise.reject(new Error('async bug'));
        },
        function nan() {
          return Number.NaN;
        },
        function nothing() {
          return undefined as never;
        },
        function badScore() {
          return { score: 'high' as never };
        },
      ],
    });
    expect(result.items[0]!.scores).toEqual({
      throws: { error: 'RangeError: evaluator bug' },
      rejects: { error: 'Error: async bug' },
      nan: { error: 'returned a score that is not a finite number' },
      nothing: { error: 'returned neither a score object, a number nor a boolean' },
      badScore: { error: 'returned a score that is not a finite number' },
    });
    for (const summary of result.summary.evaluators) {
      expect(summary).toMatchObject({ count: 0, errors: 3 });
    }
    // No event for an error: there is no verdict to record.
    expect(telemetry.records().filter((r) => r.eventName !== undefined)).toHaveLength(0);
  });

  it('an LLM judge: its calls beneath the item span, costed apart; bad replies counted', async () => {
    const judgeChat = fakeChat((prompt) =>
      prompt.includes('Barcelona') ? 'I cannot decide.' : '{"score": 0.9, "reason": "right"}',
    );
    const result = await quiet({
      name: 'judged',
      data: DATA,
      task: (country: string) => chat(`capital of ${country}`),
      evaluators: [llmJudge({ rubric: 'The capital is right.', judge: judgeChat, threshold: 0.5 })],
    });
    const judge = result.summary.evaluators[0]!;
    expect(judge).toMatchObject({ name: 'llm_judge', count: 3, errors: 0, unparseable: 1 });
    expect(judge.mean).toBeCloseTo(0.9, 12);
    expect(result.items[2]!.scores.llm_judge).toMatchObject({ label: 'unparseable' });
    // The task's cost is the task's alone; the judge's calls are summed apart.
    expect(result.items[0]!.costUsd).toBeCloseTo(CALL_COST, 12);
    expect(result.summary.costUsd).toBeCloseTo(3 * CALL_COST, 12);
    expect(result.summary.evaluatorCostUsd).toBeCloseTo(3 * CALL_COST, 12);
    const item = result.items[0]!;
    const beneath = telemetry.spans().filter((s) => s.parentSpanContext?.spanId === item.spanId);
    expect(beneath).toHaveLength(2); // the task's call and the judge's
  });
});

describe('scheduling', () => {
  it('keeps at most `concurrency` item runs in flight, and every trial of every item', async () => {
    let inFlight = 0;
    let most = 0;
    const data = Array.from({ length: 12 }, (_, i) => ({ input: i }));
    const result = await quiet({
      name: 'bounded',
      data,
      concurrency: 3,
      trials: 2,
      task: async (n: number) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight--;
        return n * 2;
      },
    });
    expect(most).toBe(3);
    expect(result.items).toHaveLength(24);
    expect(result.items.slice(0, 4).map((i) => [i.id, i.trial, i.output])).toEqual([
      ['item-1', 0, 0],
      ['item-1', 1, 0],
      ['item-2', 0, 2],
      ['item-2', 1, 2],
    ]);
    expect(result.trials).toBe(2);
  });

  it('defaults to 4 in flight and reports progress after each item run', async () => {
    let inFlight = 0;
    let most = 0;
    const progress: string[] = [];
    await quiet({
      name: 'progress',
      data: Array.from({ length: 10 }, (_, i) => ({ input: i })),
      task: async (n: number) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight--;
        if (n === 3) throw new Error('three');
        return n;
      },
      onItem: (_result, p) => {
        progress.push(`${p.done}/${p.total}/${p.failures}`);
        throw new Error('a progress display that fails is ignored');
      },
    });
    expect(most).toBe(4);
    expect(progress).toHaveLength(10);
    expect(progress.at(-1)).toBe('10/10/1');
  });
});

describe('options and outputs', () => {
  it('rejects unusable options with a coded error before running anything', async () => {
    const task = () => 'x';
    const bad: [string, Partial<RunExperimentOptions>][] = [
      ['name', { name: '', data: [], task }],
      ['task', { name: 'x', data: [] }],
      ['data', { name: 'x', task }],
      ['concurrency', { name: 'x', data: [], task, concurrency: 0 }],
      ['trials', { name: 'x', data: [], task, trials: 1.5 }],
      ['evaluators', { name: 'x', data: [], task, evaluators: [42 as never] }],
      ['named', { name: 'x', data: [], task, evaluators: [exactMatch(), exactMatch()] }],
    ];
    for (const [what, options] of bad) {
      await expect(quiet(options as RunExperimentOptions), what).rejects.toMatchObject({
        code: 'SL_EVALUATION_INVALID_EXPERIMENT',
      });
    }
  });

  it('writes the JSON result and the JUnit report, and prints the summary table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sprintlens-runner-'));
    let printed = '';
    const result = await runExperiment({
      name: 'files',
      runId: 'r1',
      data: join(REPO_ROOT, 'test/fixtures/evaluation/malformed.jsonl'),
      task: (question: string) => (question.includes('9') ? '18' : 'no idea'),
      evaluators: [exactMatch()],
      outDir: dir,
      junitFile: join(dir, 'junit', 'report.xml'),
      metadata: { prompt: 'v2' },
      print: { write: (text: string) => (printed += text) },
    });
    const written = JSON.parse(readFileSync(join(dir, 'files-r1.json'), 'utf8')) as unknown;
    expect(written).toEqual(JSON.parse(JSON.stringify(result)));
    expect(result).toMatchObject({
      format: 'sprintlens.experiment.v1',
      dataset: 'malformed.jsonl',
      metadata: { prompt: 'v2' },
      summary: { items: 3, skippedLines: 5 },
    });
    const junit = readFileSync(join(dir, 'junit', 'report.xml'), 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(3);
    expect(junit).toContain('<failure type="evaluation" message="exact_match did not pass"');
    expect(printed).toContain('Experiment files (run r1)');
    expect(printed).toContain('5 skipped lines');
    expect(printed).toContain('skipped line 2: not JSON');
    expect(printed).toMatch(/exact_match\s+0\.333\s+33\.3 %/);
    expect(printed).toContain(`result   ${join(dir, 'files-r1.json')}`);
  });

  it('a file it cannot write is reported, and the result still returned', async () => {
    // A directory path through a regular file: ENOTDIR.
    const file = join(mkdtempSync(join(tmpdir(), 'sprintlens-runner-')), 'a-file');
    writeFileSync(file, '');
    let printed = '';
    const result = await runExperiment({
      name: 'unwritable',
      data: [{ input: 1 }],
      task: (n: number) => n,
      outputFile: join(file, 'result.json'),
      print: { write: (text: string) => (printed += text) },
    });
    expect(result.items).toHaveLength(1);
    expect(printed).toContain(`note: could not write ${join(file, 'result.json')}`);
    expect(diagLines.join('\n')).toContain('SL_EVALUATION_OUTPUT_FAILED');
  });
});
