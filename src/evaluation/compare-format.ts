/**
 * The plain-text report of a comparison, for `sprintlens experiment compare` and logs: fixed
 * columns, no colours, one line per evaluator, then latency, cost and the verdict.
 */
import type { EvaluatorComparison, ExperimentComparison, MeasureComparison } from './compare';

function signed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  if (Number(text) === 0) return (0).toFixed(digits); // never "-0.000"
  return value > 0 ? `+${text}` : text;
}

function pValue(p: number): string {
  if (p >= 0.001) return p.toFixed(3);
  return p.toExponential(1);
}

/** Rows of cells as aligned text: the first column left-aligned, the others right-aligned. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function gate(e: EvaluatorComparison): string {
  if (!e.gated) return '-';
  if (!e.regressed) return 'ok';
  return e.pairs === 0 ? 'FAIL (no pairs)' : 'REGRESSED';
}

function maxDrop(e: EvaluatorComparison): string {
  return e.gated ? String(e.threshold) : '';
}

function evaluatorRow(e: EvaluatorComparison): string[] {
  const s = e.signTest;
  const signs = `${s.wins}/${s.losses}/${s.ties}`;
  if (e.pairs === 0 || e.meanDifference === undefined || e.interval === undefined) {
    return [e.name, '0', '', '', '', '', signs, '', maxDrop(e), gate(e)];
  }
  return [
    e.name,
    String(e.pairs),
    (e.meanA ?? 0).toFixed(3),
    (e.meanB ?? 0).toFixed(3),
    signed(e.meanDifference, 3),
    `[${signed(e.interval.lower, 3)}, ${signed(e.interval.upper, 3)}]`,
    signs,
    pValue(s.pValue),
    maxDrop(e),
    gate(e),
  ];
}

function measureRow(label: string, m: MeasureComparison, digits: number): string[] {
  const interval =
    m.interval === undefined
      ? ''
      : `[${signed(m.interval.lower, digits)}, ${signed(m.interval.upper, digits)}]`;
  return [
    label,
    m.medianA.toFixed(digits),
    m.medianB.toFixed(digits),
    signed(m.medianDifference, digits),
    m.meanA.toFixed(digits),
    m.meanB.toFixed(digits),
    signed(m.meanDifference, digits),
    interval,
    m.totalA.toFixed(digits),
    m.totalB.toFixed(digits),
  ];
}

/** The comparison as a plain-text report (lines joined by `\n`, no trailing newline). */
export function formatComparison(result: ExperimentComparison): string {
  const percent = `${Math.round(result.confidence * 1000) / 10}%`;
  const run = (r: ExperimentComparison['a']) =>
    `"${r.name}" (run ${r.runId || '?'}, ${r.items} items, ${r.itemRuns} item runs, ${r.failures} failed)`;
  const lines = [
    `A: ${run(result.a)}`,
    `B: ${run(result.b)}`,
    `${result.pairedItems} items in both; ${result.onlyInA.length} only in A, ${result.onlyInB.length} only in B.`,
    '',
    `Scores: item means over trials; diff = B - A, with its ${percent} paired-bootstrap interval ` +
      `(${result.resamples} resamples, seed ${result.seed});`,
    'sign = wins/losses/ties of B; p = exact two-sided sign test.',
    ...table([
      [
        'evaluator',
        'pairs',
        'mean A',
        'mean B',
        'diff',
        `${percent} interval`,
        'sign +/-/=',
        'p',
        'max drop',
        'gate',
      ],
      ...result.evaluators.map(evaluatorRow),
    ]),
    ...result.evaluators
      .filter((e) => e.note !== undefined)
      .map((e) => `  ${e.name}: no pairs, ${e.note ?? ''}.`),
  ];
  if (result.latency !== undefined && result.cost !== undefined) {
    lines.push(
      '',
      `Per item (mean over trials), over the ${result.pairedItems} items in both:`,
      ...table([
        [
          'measure',
          'median A',
          'median B',
          'diff',
          'mean A',
          'mean B',
          'diff',
          `${percent} interval`,
          'total A',
          'total B',
        ],
        measureRow('latency ms', result.latency, 1),
        measureRow('cost USD', result.cost, 6),
      ]),
    );
  }
  const rule =
    result.rule === 'ci'
      ? `the upper end of its ${percent} interval of diff is below -(max drop)`
      : 'its mean diff is below -(max drop)';
  lines.push(
    '',
    `Gate: a gated evaluator regresses when ${rule}.`,
    result.passed
      ? 'PASSED: no gated evaluator regressed.'
      : `FAILED: ${result.regressions.join(', ')} regressed.`,
  );
  return lines.join('\n');
}
