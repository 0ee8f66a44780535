/**
 * Renders a {@link DevSummarySnapshot} as plain text for a terminal: short sections, aligned
 * columns, no colours (so nothing to turn off for `NO_COLOR` or a log file).
 */
import { OTHER, SUMMARY_SEVERITIES } from './summary';
import type { DevSummarySnapshot } from './summary';

/** Options of {@link formatSummary}. */
export interface FormatSummaryOptions {
  /** Patterns listed. Default 10. */
  topPatterns?: number;
  /** Models and error types listed. Default 20. */
  topRows?: number;
  /** Title line. Default `sprintlens dev-backend summary`. */
  title?: string;
}

function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function usd(value: number): string {
  return `$${value.toFixed(value !== 0 && Math.abs(value) < 0.01 ? 6 : 4)}`;
}

/**
 * A cost that leaves out the calls without one: `unknown` when no call had one, else the sum
 * with how many were left out (a lower bound, never a guessed total).
 */
function cost(
  usdTotal: number,
  calls: number,
  withoutCost: number,
  form: 'long' | 'short',
): string {
  if (withoutCost === 0) return usd(usdTotal);
  if (withoutCost === calls) return form === 'long' ? 'cost unknown' : 'unknown';
  return form === 'long'
    ? `${usd(usdTotal)} + ${plural(withoutCost, 'call')} without a cost`
    : `${usd(usdTotal)} + ${withoutCost}?`;
}

function ms(value: number): string {
  return value < 100 ? value.toFixed(1) : String(Math.round(value));
}

function bytes(value: number): string {
  if (value < 1024) return `${value} B`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${(value / 1024 / 1024).toFixed(1)} MiB`;
}

function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** Longest cell of a column of text (wider cells are cut). */
const MAX_CELL = 48;

/**
 * Lays out rows in columns: the first `textColumns` left-aligned, the rest right-aligned.
 */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  textColumns: number,
): string[] {
  const cut = (cell: string): string =>
    cell.length > MAX_CELL ? `${cell.slice(0, MAX_CELL - 1)}…` : cell;
  const all = [header, ...rows].map((row) => row.map(cut));
  const widths = header.map((_, column) =>
    Math.max(...all.map((row) => (row[column] ?? '').length)),
  );
  return all.map((row) =>
    `  ${row
      .map((cell, column) =>
        column < textColumns
          ? cell.padEnd(widths[column] ?? 0)
          : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')}`.trimEnd(),
  );
}

/** A "key xN" list, e.g. `200 x3, 503 x1`. */
function tally(record: Record<string, number>): string {
  return Object.entries(record)
    .map(([key, n]) => `${key} x${count(n)}`)
    .join(', ');
}

/** The summary as text lines (joined with newlines, ending with one). */
export function formatSummary(
  summary: DevSummarySnapshot,
  options: FormatSummaryOptions = {},
): string {
  const topPatterns = options.topPatterns ?? 10;
  const topRows = options.topRows ?? 20;
  const title = options.title ?? 'sprintlens dev-backend summary';
  const lines: string[] = [
    `== ${title} at ${summary.generatedAt} (up ${duration(summary.uptimeSeconds)}) ==`,
  ];

  const { requests } = summary;
  lines.push(`Requests: ${count(requests.total)} (${count(requests.failed)} failed)`);
  const routes = Object.entries(requests.byRoute);
  if (routes.length > 0) {
    lines.push(
      ...table(
        ['route', 'requests', 'bytes', 'answers'],
        routes.map(([name, route]) => [
          name,
          count(route.requests),
          bytes(route.bytes),
          tally(route.statuses),
        ]),
        1,
      ),
    );
  }
  if (Object.keys(requests.faults).length > 0) {
    lines.push(`  injected faults: ${tally(requests.faults)}`);
  }

  const { llm } = summary;
  lines.push(
    `LLM calls: ${count(llm.calls)} (${plural(llm.errors, 'error')}), ` +
      `${count(llm.inputTokens)} input / ${count(llm.outputTokens)} output tokens, ` +
      cost(llm.costUsd, llm.calls, llm.callsWithoutCost, 'long'),
  );
  if (llm.models.length > 0) {
    lines.push(
      ...table(
        ['provider', 'model', 'calls', 'errors', 'in tok', 'out tok', 'cost', 'mean ms', 'p95 ms'],
        llm.models
          .slice(0, topRows)
          .map((model) => [
            model.provider,
            model.model,
            count(model.calls),
            count(model.errors),
            count(model.inputTokens),
            count(model.outputTokens),
            cost(model.costUsd, model.calls, model.callsWithoutCost, 'short'),
            ms(model.latencyMs.mean),
            ms(model.latencyMs.p95),
          ]),
        2,
      ),
    );
  }
  lines.push(
    `Spans: ${count(summary.spans.total)} (${count(summary.spans.errors)} with status ERROR)`,
  );

  const { logs } = summary;
  lines.push(
    `Logs: ${count(logs.total)} received, ~${count(logs.estimatedTotal)} logged by the apps ` +
      '(estimated from sprintlens.sample_rate)',
  );
  const bySeverity = SUMMARY_SEVERITIES.filter(
    (name) => name !== 'UNSPECIFIED' || logs.bySeverity[name].received > 0,
  ).map((name) => {
    const { received, estimated } = logs.bySeverity[name];
    const estimate = Math.round(estimated) !== received ? ` (~${count(estimated)})` : '';
    return `${name} ${count(received)}${estimate}`;
  });
  lines.push(`  ${bySeverity.join('  ')}`);
  if (logs.patterns.length > 0) {
    const shown = logs.patterns.slice(0, topPatterns);
    lines.push(
      ...table(
        ['pattern', 'severity', 'received', 'est. total'],
        shown.map((pattern) => [
          pattern.id === OTHER ? `${OTHER} more patterns` : pattern.template,
          pattern.severity,
          count(pattern.received),
          count(pattern.estimated),
        ]),
        2,
      ),
    );
    if (logs.distinctPatterns > shown.length) {
      lines.push(`  … ${count(logs.distinctPatterns - shown.length)} more patterns`);
    }
  }

  const { errors } = summary;
  lines.push(`Errors: ${plural(summary.spans.errors, 'span')} with status ERROR`);
  if (errors.types.length > 0) {
    lines.push(
      ...table(
        ['error.type', 'count', 'last span', 'message'],
        errors.types
          .slice(0, topRows)
          .map((entry) => [
            entry.errorType,
            count(entry.count),
            entry.lastSpanName,
            entry.lastMessage,
          ]),
        1,
      ),
    );
  }

  const { metrics } = summary;
  const names = metrics.byName
    .slice(0, 5)
    .map((entry) => `${entry.name || '(unnamed)'} ${count(entry.dataPoints)}`);
  const more = metrics.byName.length > 5 ? `, … ${metrics.byName.length - 5} more` : '';
  lines.push(
    `Metrics: ${plural(metrics.dataPoints, 'data point')}` +
      (names.length > 0 ? ` (${names.join(', ')}${more})` : ''),
  );

  lines.push(...evaluationLines(summary, topRows));

  const { sampling } = summary;
  lines.push(
    `Sampling: ${plural(sampling.patternReports, 'pattern report')}, ` +
      `${plural(sampling.policyRequests, 'policy request')}`,
  );
  for (const policy of sampling.policies.slice(0, topRows)) {
    const lowest =
      policy.lowestRate === undefined ? '' : `, lowest ${policy.lowestRate.toString()}`;
    lines.push(
      `  policy for ${policy.service}: ${policy.version} ` +
        `(${plural(policy.patternRates, 'pattern rate')}${lowest})`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function mean(value: number | undefined): string {
  return value === undefined ? '-' : value.toFixed(3);
}

function passRate(judged: number, passed: number): string {
  return judged === 0 ? '-' : `${((100 * passed) / judged).toFixed(1)} %`;
}

/** Evaluation events by name, then each experiment run with its scores per evaluator. */
function evaluationLines(summary: DevSummarySnapshot, topRows: number): string[] {
  const { evaluations, experiments } = summary;
  if (evaluations.total === 0 && experiments.length === 0) return [];
  const lines = [`Evaluations: ${plural(evaluations.total, 'event')} (gen_ai.evaluation.result)`];
  if (evaluations.byName.length > 0) {
    lines.push(
      ...table(
        ['evaluation', 'events', 'mean', 'pass rate'],
        evaluations.byName
          .slice(0, topRows)
          .map((e) => [e.name, count(e.count), mean(e.mean), passRate(e.judged, e.passed)]),
        1,
      ),
    );
  }
  lines.push(`Experiments: ${plural(experiments.length, 'run')}`);
  for (const run of experiments.slice(-topRows)) {
    lines.push(
      `  ${run.experiment} (run ${run.runId || '?'}): ${plural(run.items, 'item')}, ` +
        `${count(run.failed)} failed, ${count(run.inputTokens)} input / ` +
        `${count(run.outputTokens)} output tokens, ${usd(run.costUsd)}`,
    );
    for (const e of run.evaluators.slice(0, topRows)) {
      lines.push(
        `    ${e.name}: mean ${mean(e.mean)} (${plural(e.scored, 'score')}), ` +
          `pass rate ${passRate(e.judged, e.passed)}`,
      );
    }
  }
  return lines;
}
