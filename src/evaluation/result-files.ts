/**
 * Writing an experiment run's files: the JSON result (what `sprintlens experiment compare`
 * reads) and, on request, the JUnit XML report. A file that cannot be written is reported
 * (`SL_EVALUATION_OUTPUT_FAILED`); the run's result stands.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { reportWarning } from '../base/diag';
import { EvaluationOutputFailedError } from '../base/errors';
import { formatJunit } from './junit';
import type { ExperimentResult } from './types';

/** The result file's path in `outDir`: `<name>-<runId>.json`, the name made safe for a file. */
export function resultFileIn(outDir: string, name: string, runId: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'experiment';
  return join(outDir, `${safe}-${runId}.json`);
}

/** Writes `text` to `path` (directories made as needed); the absolute path, or none on failure. */
function write(path: string, text: string): string | undefined {
  const absolute = resolve(path);
  try {
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, text);
    return absolute;
  } catch (error) {
    reportWarning(new EvaluationOutputFailedError(path, error), 0);
    return undefined;
  }
}

/** Writes the JSON result file; returns its absolute path, or `undefined` if it failed. */
export function writeResultFile(path: string, result: ExperimentResult): string | undefined {
  return write(path, `${JSON.stringify(result, null, 2)}\n`);
}

/** Writes the JUnit XML report; returns its absolute path, or `undefined` if it failed. */
export function writeJunitFile(path: string, result: ExperimentResult): string | undefined {
  return write(path, formatJunit(result));
}
