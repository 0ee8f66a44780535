/**
 * An experiment end to end, in a real app under `--require sprintlens/register`: a 20-item
 * JSONL dataset with one malformed line, a task calling the local OpenAI server (whose answers
 * and usage this test controls), three evaluators (one an LLM judge through the same client).
 * Checked at a real OTLP receiver and in the result file: per-item spans with the LLM and HTTP
 * spans beneath, tokens and cost equal to the server's usage, the judge's scores parsed and its
 * bad reply counted, every score an event on its item's span, the malformed line reported by
 * its number; and a score from "production" tied to its response's span by response id.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend } from '../support/backend';
import { formatSummary } from '../../dev-backend/summary-text';
import { LlmServer, USAGE } from '../support/llm-server';
import type { LlmRequest, LlmResponder } from '../support/llm-server';
import { OtlpReceiver } from '../support/otlp-receiver';
import type { ReceivedLog, ReceivedSpan } from '../support/otlp-receiver';
import { runApp } from '../support/spawn-app';
import type { AppResult } from '../support/spawn-app';
import { CAPITALS, CAPITALS_DATASET, countryIn, replyChat } from './evaluation-llm';

const SERVICE = 'evaluation-experiment';
const DATASET = CAPITALS_DATASET;
/** Answers the server gets wrong on purpose. */
const WRONG: Record<string, string> = { Spain: 'Barcelona', Poland: 'Krakow' };
/** The judge's reply to an output: a score, except for one output it cannot grade. */
const JUDGE_REPLY = '{"score": 0.9, "reason": "names a city"}';
const UNGRADABLE = 'Barcelona';
/** gpt-4o-mini: 1000 uncached input × $0.15 + 200 cached × $0.075 + 300 output × $0.60, per M. */
const TASK_CALL_COST = 0.000345;
/** gpt-4o: 1000 × $2.50 + 200 × $1.25 + 300 × $10, per M. */
const JUDGE_CALL_COST = 0.00575;

let responses = 0;
function chat(request: LlmRequest, respond: LlmResponder): void {
  const messages = request.body.messages as { content: string }[];
  const prompt = messages[messages.length - 1]?.content ?? '';
  const model = String(request.body.model);
  let content: string;
  if (model === 'gpt-4o') {
    content = prompt.includes(UNGRADABLE) ? 'I cannot grade this.' : JUDGE_REPLY;
  } else {
    const country = countryIn(prompt);
    content = WRONG[country] ?? CAPITALS.get(country) ?? 'unknown';
  }
  replyChat(respond, { id: `chatcmpl-eval-${++responses}`, model, content });
}

interface ResultFile {
  format: string;
  items: {
    id: string;
    output?: unknown;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
    traceId?: string;
    spanId?: string;
    scores: Record<string, { score?: number; label?: string; passed?: boolean }>;
  }[];
  skipped: { line: number; reason: string }[];
  summary: {
    items: number;
    skippedLines: number;
    failures: number;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
    evaluatorCostUsd: number;
    evaluators: {
      name: string;
      mean?: number;
      passRate?: number;
      count: number;
      unparseable?: number;
    }[];
  };
}

/** The experiment app, exporting to `endpoint`. */
function runExperimentApp(endpoint: string, resultFile: string): Promise<AppResult> {
  return runApp({
    args: ['--require', 'sprintlens/register', 'evaluation-experiment.cjs'],
    env: {
      LLM_URL: llm.url,
      DATASET: datasetWithBadLine,
      RESULT_FILE: resultFile,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_SERVICE_NAME: SERVICE,
      SPRINTLENS_COMPRESSION: 'none',
    },
  });
}

const receiver = new OtlpReceiver();
let datasetWithBadLine = '';
const llm = new LlmServer().route('POST', '/v1/chat/completions', chat);
let app: AppResult;
let result: ResultFile;
let spans: ReceivedSpan[];
let events: ReceivedLog[];
let feedbackResponseId: string;

beforeAll(async () => {
  await receiver.start();
  await llm.start();
  const dir = mkdtempSync(join(tmpdir(), 'sprintlens-evaluation-'));
  // The dataset with a malformed line 7: the other 20 items must still run.
  const lines = readFileSync(DATASET, 'utf8').trim().split('\n');
  lines.splice(6, 0, '{"id": "broken", "input": ');
  const dataset = join(dir, 'capitals-with-a-bad-line.jsonl');
  writeFileSync(dataset, `${lines.join('\n')}\n`);
  datasetWithBadLine = dataset;
  const resultFile = join(dir, 'result.json');
  app = await runExperimentApp(receiver.url, resultFile);
  expect(app.code, app.stderr).toBe(0);
  result = JSON.parse(readFileSync(resultFile, 'utf8')) as ResultFile;
  feedbackResponseId = /FEEDBACK (\S+)/.exec(app.stdout)?.[1] ?? '';
  const isEvent = (log: ReceivedLog) =>
    typeof log.attributes['gen_ai.evaluation.name'] === 'string';
  await receiver.waitFor(
    () =>
      receiver.logsOf(SERVICE).filter(isEvent).length >= 61 &&
      receiver.spansOf(SERVICE).filter((s) => s.name.startsWith('chat ')).length >= 41,
    15_000,
  );
  spans = receiver.spansOf(SERVICE);
  events = receiver.logsOf(SERVICE).filter(isEvent);
});

afterAll(async () => {
  await receiver.close();
  await llm.close();
});

const itemSpans = (): ReceivedSpan[] => spans.filter((s) => s.name === 'experiment_item capitals');
const childrenOf = (span: ReceivedSpan): ReceivedSpan[] =>
  spans.filter((s) => s.parentSpanId === span.spanId);

describe('an experiment in a real app', () => {
  it('runs the 20 items and reports the malformed line by its number', () => {
    expect(result.format).toBe('sprintlens.experiment.v1');
    expect(result.items).toHaveLength(20);
    expect(result.summary).toMatchObject({ items: 20, failures: 0, skippedLines: 1 });
    expect(result.skipped).toEqual([
      { line: 7, reason: expect.stringMatching(/^not JSON/) as string },
    ]);
    expect(app.stderr).toContain(
      'SL_EVALUATION_INVALID_DATASET_LINE capitals-with-a-bad-line.jsonl line 7 was skipped: not JSON',
    );
    // The summary table went to stdout.
    expect(app.stdout).toContain('Experiment capitals (run ');
    expect(app.stdout).toContain('20 items, 0 failed (task error), 1 skipped line');
  });

  it('gives each item run a span with the LLM and HTTP spans of its calls beneath', () => {
    expect(itemSpans()).toHaveLength(20);
    for (const item of result.items) {
      const itemSpan = itemSpans().find((s) => s.spanId === item.spanId)!;
      expect(itemSpan.traceId).toBe(item.traceId);
      expect(itemSpan.parentSpanId).toBeUndefined();
      expect(itemSpan.attributes).toMatchObject({
        'sprintlens.experiment.name': 'capitals',
        'sprintlens.experiment.item_id': item.id,
        'sprintlens.experiment.trial': 0,
      });
      // The task's call and the judge's, both beneath the item span.
      const calls = childrenOf(itemSpan)
        .map((s) => s.name)
        .sort();
      expect(calls).toEqual(['chat gpt-4o', 'chat gpt-4o-mini']);
      // Everything in the item's trace descends from the item span: HTTP spans included.
      const trace = spans.filter((s) => s.traceId === item.traceId);
      const ids = new Set(trace.map((s) => s.spanId));
      for (const span of trace) {
        if (span !== itemSpan) expect(ids.has(span.parentSpanId ?? '')).toBe(true);
      }
      expect(trace.some((s) => s.attributes['http.request.method'] === 'POST')).toBe(true);
    }
    const runIds = new Set(itemSpans().map((s) => s.attributes['sprintlens.experiment.run_id']));
    expect(runIds.size).toBe(1);
  });

  it('counts tokens and cost per item from the calls beneath, equal to the server usage', () => {
    for (const item of result.items) {
      expect(item.inputTokens).toBe(USAGE.prompt_tokens);
      expect(item.outputTokens).toBe(USAGE.completion_tokens);
      expect(item.costUsd).toBeCloseTo(TASK_CALL_COST, 12);
      const itemSpan = itemSpans().find((s) => s.spanId === item.spanId)!;
      const call = childrenOf(itemSpan).find((s) => s.name === 'chat gpt-4o-mini')!;
      expect(call.attributes['gen_ai.usage.input_tokens']).toBe(USAGE.prompt_tokens);
      expect(call.attributes['sprintlens.cost.usd']).toBeCloseTo(item.costUsd, 12);
      expect(itemSpan.attributes['sprintlens.experiment.item.cost.usd']).toBeCloseTo(
        item.costUsd,
        12,
      );
      expect(itemSpan.attributes['sprintlens.experiment.item.input_tokens']).toBe(1200);
    }
    expect(result.summary.inputTokens).toBe(20 * USAGE.prompt_tokens);
    expect(result.summary.outputTokens).toBe(20 * USAGE.completion_tokens);
    expect(result.summary.costUsd).toBeCloseTo(20 * TASK_CALL_COST, 10);
    // The judge's calls are counted apart, never in the items' cost.
    expect(result.summary.evaluatorCostUsd).toBeCloseTo(20 * JUDGE_CALL_COST, 10);
  });

  it('scores with the three evaluators; the judge reply it cannot parse is counted', () => {
    const byName = Object.fromEntries(result.summary.evaluators.map((e) => [e.name, e]));
    expect(byName.exact_match).toMatchObject({ count: 20, passRate: 0.9 });
    expect(byName.mentions_expected).toMatchObject({ count: 20, passRate: 0.9 });
    expect(byName.llm_judge).toMatchObject({ count: 20, unparseable: 1 });
    expect(byName.llm_judge!.mean).toBeCloseTo(0.9, 12);
    const spain = result.items.find((i) => i.output === 'Barcelona')!;
    expect(spain.scores.llm_judge).toMatchObject({ label: 'unparseable' });
    expect(spain.scores.llm_judge!.score).toBeUndefined();
    expect(spain.scores.exact_match).toMatchObject({ score: 0, passed: false });
  });

  it('records every score as a gen_ai.evaluation.result event on its item span', () => {
    const experimentEvents = events.filter(
      (e) => e.attributes['sprintlens.experiment.name'] === 'capitals',
    );
    expect(experimentEvents).toHaveLength(60);
    for (const item of result.items) {
      const mine = experimentEvents.filter(
        (e) => e.attributes['sprintlens.experiment.item_id'] === item.id,
      );
      expect(mine.map((e) => e.attributes['gen_ai.evaluation.name']).sort()).toEqual([
        'exact_match',
        'llm_judge',
        'mentions_expected',
      ]);
      for (const event of mine) {
        expect(event.traceId).toBe(item.traceId);
        expect(event.spanId).toBe(item.spanId);
      }
      const exact = mine.find((e) => e.attributes['gen_ai.evaluation.name'] === 'exact_match')!;
      expect(exact.attributes['gen_ai.evaluation.score.value']).toBe(
        item.scores.exact_match!.score,
      );
      expect(exact.attributes['sprintlens.evaluation.passed']).toBe(
        item.scores.exact_match!.passed,
      );
    }
    const judged = experimentEvents.find(
      (e) =>
        e.attributes['gen_ai.evaluation.name'] === 'llm_judge' &&
        e.attributes['gen_ai.evaluation.score.label'] === undefined,
    )!;
    expect(judged.attributes['gen_ai.evaluation.score.value']).toBe(0.9);
    expect(judged.attributes['gen_ai.evaluation.explanation']).toBe('names a city');
    const unparseable = experimentEvents.filter(
      (e) => e.attributes['gen_ai.evaluation.score.label'] === 'unparseable',
    );
    expect(unparseable).toHaveLength(1);
    expect(unparseable[0]!.attributes['gen_ai.evaluation.score.value']).toBeUndefined();
  });

  it('ties a score from production code to the span of its response, by response id', () => {
    const feedback = events.filter(
      (e) => e.attributes['gen_ai.evaluation.name'] === 'user_feedback',
    );
    expect(feedback).toHaveLength(1);
    const call = spans.find((s) => s.attributes['gen_ai.response.id'] === feedbackResponseId)!;
    expect(call).toBeDefined();
    expect(feedback[0]!.attributes).toMatchObject({
      'gen_ai.response.id': feedbackResponseId,
      'gen_ai.evaluation.score.label': 'thumbs_up',
      'gen_ai.evaluation.score.value': 1,
    });
    expect(feedback[0]!.traceId).toBe(call.traceId);
    expect(feedback[0]!.spanId).toBe(call.spanId);
  });
});

describe('in the dev backend', () => {
  it('stores the events and item spans, and sums up each experiment run', async () => {
    const backend = await startBackend();
    try {
      const run = await runExperimentApp(backend.url, join(tmpdir(), `unused-${process.pid}.json`));
      expect(run.code, run.stderr).toBe(0);
      await backend.waitFor(
        () => backend.evaluations.length >= 61 && backend.experimentItems.length >= 20,
        { timeoutMs: 15_000 },
      );
      expect(backend.evaluations).toHaveLength(61);
      expect(backend.experimentItems).toHaveLength(20);
      const summary = backend.summary();
      // The events are not counted as log lines (the one line is the app's console.log).
      expect(summary.logs.total).toBe(backend.logRecords.length - 61);
      expect(summary.logs.total).toBe(1);
      const [experiment] = summary.experiments;
      expect(summary.experiments).toHaveLength(1);
      expect(experiment).toMatchObject({
        experiment: 'capitals',
        items: 20,
        failed: 0,
        inputTokens: 20 * USAGE.prompt_tokens,
        outputTokens: 20 * USAGE.completion_tokens,
      });
      expect(experiment!.costUsd).toBeCloseTo(20 * TASK_CALL_COST, 10);
      const exact = experiment!.evaluators.find((e) => e.name === 'exact_match')!;
      expect(exact).toMatchObject({ count: 20, judged: 20, passed: 18 });
      expect(exact.mean).toBeCloseTo(0.9, 12);
      const judge = experiment!.evaluators.find((e) => e.name === 'llm_judge')!;
      expect(judge).toMatchObject({ count: 20, scored: 19 });
      expect(summary.evaluations.byName.map((e) => e.name)).toContain('user_feedback');
      const text = formatSummary(summary);
      expect(text).toContain('Evaluations: 61 events (gen_ai.evaluation.result)');
      expect(text).toMatch(
        /capitals \(run \S+\): 20 items, 0 failed, 24,000 input \/ 6,000 output tokens/,
      );
    } finally {
      await backend.close();
    }
  });
});
