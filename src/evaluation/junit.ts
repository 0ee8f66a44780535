/**
 * An experiment run as a JUnit XML report, for CI systems that show test results: one
 * `<testcase>` per item run, an `<error>` when the task threw, a `<failure>` when an evaluator
 * did not pass or could not evaluate, and every verdict in `<system-out>`.
 */
import type { ExperimentResult, ItemResult } from './types';

/** Text safe in XML content and attributes: escaped, characters XML forbids removed. */
function xml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- these are the characters XML 1.0 forbids.
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** How an item run's verdicts read in the report. */
function verdictLines(item: ItemResult): { lines: string[]; failed: string[] } {
  const lines: string[] = [];
  const failed: string[] = [];
  for (const [name, verdict] of Object.entries(item.scores)) {
    if (verdict.error !== undefined) {
      lines.push(`${name}: error: ${verdict.error}`);
      failed.push(`${name} could not evaluate`);
      continue;
    }
    const parts: string[] = [];
    if (verdict.score !== undefined) parts.push(`score ${verdict.score}`);
    if (verdict.label !== undefined) parts.push(`label ${verdict.label}`);
    if (verdict.passed !== undefined) parts.push(verdict.passed ? 'passed' : 'not passed');
    if (verdict.explanation !== undefined) parts.push(verdict.explanation);
    lines.push(`${name}: ${parts.join(', ')}`);
    if (verdict.passed === false) failed.push(`${name} did not pass`);
  }
  return { lines, failed };
}

/** The JUnit XML of `result`. */
export function formatJunit(result: ExperimentResult): string {
  const trials = result.trials ?? 1;
  let failures = 0;
  let errors = 0;
  let totalMs = 0;
  const cases: string[] = [];
  for (const item of result.items) {
    totalMs += item.latencyMs;
    const name = trials > 1 ? `${item.id} (trial ${item.trial + 1})` : item.id;
    const { lines, failed } = verdictLines(item);
    const body: string[] = [];
    if (item.error !== undefined) {
      errors++;
      body.push(
        `      <error type="${xml(item.error.type)}" message="${xml(item.error.message)}"/>`,
      );
    } else if (failed.length > 0) {
      failures++;
      body.push(
        `      <failure type="evaluation" message="${xml(failed.join('; '))}">` +
          `${xml(lines.join('\n'))}</failure>`,
      );
    }
    if (lines.length > 0) body.push(`      <system-out>${xml(lines.join('\n'))}</system-out>`);
    const open = `    <testcase classname="${xml(result.name)}" name="${xml(name)}" time="${seconds(item.latencyMs)}"`;
    cases.push(body.length === 0 ? `${open}/>` : `${open}>\n${body.join('\n')}\n    </testcase>`);
  }
  const counts =
    `tests="${result.items.length}" failures="${failures}" errors="${errors}" ` +
    `time="${seconds(totalMs)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sprintlens experiments" ${counts}>`,
    `  <testsuite name="${xml(result.name)}" ${counts} skipped="0" timestamp="${xml(result.startedAt)}">`,
    '    <properties>',
    `      <property name="run_id" value="${xml(result.runId)}"/>`,
    `      <property name="skipped_lines" value="${result.summary.skippedLines}"/>`,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
