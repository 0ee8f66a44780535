/**
 * An experiment run as a short text table for a terminal or a CI log: the items, failures and
 * skipped lines; per evaluator the mean, pass rate and errors; latency p50/p95; tokens and cost.
 * Plain text, no colours.
 */
import type { ExperimentResult } from './types';

/** Where to find the files a run wrote, for the last lines of the table. */
export interface WrittenFiles {
  readonly resultFile?: string;
  readonly junitFile?: string;
}

/** Longest cell (longer ones are cut). */
const MAX_CELL = 40;
/** Skipped lines listed with their reason. */
const LISTED_SKIPPED = 5;

function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function usd(value: number): string {
  return `$${value.toFixed(value !== 0 && Math.abs(value) < 0.01 ? 6 : 4)}`;
}

function ms(value: number): string {
  return value < 100 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}

function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? '' : 's'}`;
}

function rows(header: readonly string[], body: readonly (readonly string[])[]): string[] {
  const fit = (cell: string): string =>
    cell.length > MAX_CELL ? `${cell.slice(0, MAX_CELL - 1)}…` : cell;
  const all = [header, ...body].map((row) => row.map(fit));
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  return all.map((row) =>
    `  ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')}`.trimEnd(),
  );
}

/** The summary table of `result`, lines joined with newlines, ending with one. */
export function formatExperimentSummary(
  result: ExperimentResult,
  files: WrittenFiles = {},
  notes: readonly string[] = [],
): string {
  const { summary } = result;
  const trials = result.trials ?? 1;
  const lines = [`Experiment ${result.name} (run ${result.runId})`];
  const distinct = trials > 0 ? Math.round(summary.items / trials) : summary.items;
  const runs =
    trials > 1
      ? `${plural(distinct, 'item')} × ${trials} trials = ${plural(summary.items, 'run')}`
      : plural(summary.items, 'item');
  lines.push(
    `  ${runs}, ${count(summary.failures)} failed (task error), ` +
      `${plural(summary.skippedLines, 'skipped line')}`,
  );
  for (const skipped of (result.skipped ?? []).slice(0, LISTED_SKIPPED)) {
    lines.push(`    skipped line ${skipped.line}: ${skipped.reason}`);
  }
  if ((result.skipped?.length ?? 0) > LISTED_SKIPPED) {
    lines.push(`    … ${count((result.skipped?.length ?? 0) - LISTED_SKIPPED)} more`);
  }
  if (summary.evaluators.length > 0) {
    lines.push(
      ...rows(
        ['evaluator', 'mean', 'pass rate', 'scored', 'errors', 'unparseable'],
        summary.evaluators.map((e) => [
          e.name,
          e.mean === undefined ? '-' : e.mean.toFixed(3),
          e.passRate === undefined ? '-' : `${(100 * e.passRate).toFixed(1)} %`,
          count(e.count),
          count(e.errors),
          count(e.unparseable ?? 0),
        ]),
      ),
    );
  }
  lines.push(`  latency  p50 ${ms(summary.latencyP50Ms)}, p95 ${ms(summary.latencyP95Ms)}`);
  lines.push(
    `  tokens   ${count(summary.inputTokens)} input, ${count(summary.outputTokens)} output`,
  );
  const evaluatorCost = summary.evaluatorCostUsd ?? 0;
  lines.push(
    `  cost     ${usd(summary.costUsd)}` +
      (evaluatorCost > 0 ? ` (and ${usd(evaluatorCost)} for the evaluators' own calls)` : ''),
  );
  for (const note of notes) lines.push(`  note: ${note}`);
  if (files.resultFile !== undefined) lines.push(`  result   ${files.resultFile}`);
  if (files.junitFile !== undefined) lines.push(`  junit    ${files.junitFile}`);
  return `${lines.join('\n')}\n`;
}
