/**
 * An experiment's dataset: items from an array, or from a JSONL, CSV or JSON file, each
 * `{ id?, input, expected?, metadata? }`. A line or element that is not a usable item is
 * skipped, reported with its line number (`SL_EVALUATION_INVALID_DATASET_LINE`) and counted;
 * the rest of the dataset still runs. Only a file that cannot be read at all stops the run.
 */
import { readFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { reportWarning } from '../base/diag';
import {
  EvaluationInvalidDatasetLineError,
  EvaluationInvalidExperimentError,
} from '../base/errors';
import { parseCsvDataset } from './dataset-csv';
import { parseJsonlDataset } from './dataset-jsonl';
import type { ExperimentItem } from './types';

/** One dataset item as written in an array or a file. */
export interface DatasetRecord<Input = unknown, Expected = unknown> {
  /** A string or a number; default `item-<n>`, n the 1-based line (files) or position (arrays). */
  readonly id?: string | number;
  readonly input: Input;
  readonly expected?: Expected;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** A dataset file format. */
export type DatasetFormat = 'jsonl' | 'csv' | 'json';

/**
 * Where the items come from: an array of records, a file path (`.jsonl`/`.ndjson`, `.csv` or
 * `.json` by its extension; relative to the working directory), or a path with its format.
 */
export type ExperimentData<Input = unknown, Expected = unknown> =
  | readonly DatasetRecord<Input, Expected>[]
  | string
  | { readonly path: string; readonly format?: DatasetFormat };

/** A line (file) or position (array, 1-based) that was skipped, and why. */
export interface SkippedLine {
  readonly line: number;
  readonly reason: string;
}

/** A loaded dataset. */
export interface Dataset<Input = unknown, Expected = unknown> {
  readonly items: readonly ExperimentItem<Input, Expected>[];
  readonly skipped: readonly SkippedLine[];
  /** Where it came from, for messages: a file name, or `data`. */
  readonly source: string;
}

/** One candidate item: the value at a line or position, to be checked. */
export interface RawRecord {
  /** 1-based line (files) or position (arrays). */
  readonly line: number;
  readonly value: unknown;
}

/** A line a parser could not turn into a value. */
export interface RawProblem {
  readonly line: number;
  readonly reason: string;
}

/** Skipped lines reported one by one up to this many; the rest in one line. */
const MAX_REPORTED_LINES = 20;
const MAX_ID_LENGTH = 256;

/**
 * Loads and checks the dataset. Rejects (with `SL_EVALUATION_INVALID_EXPERIMENT`) only when
 * there is no dataset to read: a missing or unreadable file, an unknown format.
 */
export function loadDataset<Input, Expected>(
  data: ExperimentData<Input, Expected>,
): Dataset<Input, Expected> {
  if (Array.isArray(data)) {
    const records = (data as readonly unknown[]).map((value, index) => ({
      line: index + 1,
      value,
    }));
    return checkRecords<Input, Expected>('data', records, [], (line) => `data[${line - 1}]`);
  }
  const { path, format } = fileOf(data as Exclude<ExperimentData, readonly unknown[]>);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new EvaluationInvalidExperimentError(`the dataset file ${path} cannot be read`, error);
  }
  const name = basename(path);
  const where = (line: number) => `${name} line ${line}`;
  switch (format) {
    case 'jsonl': {
      const parsed = parseJsonlDataset(text);
      return checkRecords(name, parsed.records, parsed.problems, where);
    }
    case 'csv': {
      const parsed = parseCsvDataset(text, name);
      return checkRecords(name, parsed.records, parsed.problems, where);
    }
    case 'json': {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new EvaluationInvalidExperimentError(`${name} is not JSON`, error);
      }
      if (!Array.isArray(value)) {
        throw new EvaluationInvalidExperimentError(`${name} is not a JSON array of items`);
      }
      const records = (value as unknown[]).map((v, index) => ({ line: index + 1, value: v }));
      return checkRecords(name, records, [], (line) => `${name}[${line - 1}]`);
    }
  }
}

function fileOf(data: string | { readonly path: string; readonly format?: DatasetFormat }): {
  path: string;
  format: DatasetFormat;
} {
  const given = typeof data === 'string' ? data : data?.path;
  if (typeof given !== 'string' || given === '') {
    throw new EvaluationInvalidExperimentError(
      'data must be an array of items, a file path, or { path, format }',
    );
  }
  const path = resolve(given);
  const explicit = typeof data === 'string' ? undefined : data.format;
  if (explicit !== undefined) {
    if (explicit !== 'jsonl' && explicit !== 'csv' && explicit !== 'json') {
      throw new EvaluationInvalidExperimentError(
        `data.format must be "jsonl", "csv" or "json", not ${JSON.stringify(String(explicit))}`,
      );
    }
    return { path, format: explicit };
  }
  const extension = extname(path).toLowerCase();
  if (extension === '.jsonl' || extension === '.ndjson') return { path, format: 'jsonl' };
  if (extension === '.csv') return { path, format: 'csv' };
  if (extension === '.json') return { path, format: 'json' };
  throw new EvaluationInvalidExperimentError(
    `cannot tell the format of ${basename(path)} from its extension: use .jsonl, .csv or ` +
      '.json, or pass { path, format }',
  );
}

/** Checks every record, reports and counts what is skipped, gives each item its id. */
function checkRecords<Input, Expected>(
  source: string,
  records: readonly RawRecord[],
  problems: readonly RawProblem[],
  where: (line: number) => string,
): Dataset<Input, Expected> {
  const skipped: SkippedLine[] = [...problems];
  const items: ExperimentItem<Input, Expected>[] = [];
  const lineOfId = new Map<string, number>();
  for (const { line, value } of records) {
    const checked = checkRecord<Input, Expected>(value, line);
    if (typeof checked === 'string') {
      skipped.push({ line, reason: checked });
      continue;
    }
    const first = lineOfId.get(checked.id);
    if (first !== undefined) {
      skipped.push({ line, reason: `its id repeats the one of ${where(first)}` });
      continue;
    }
    lineOfId.set(checked.id, line);
    items.push(checked);
  }
  skipped.sort((a, b) => a.line - b.line);
  skipped.forEach((entry, index) => {
    if (index < MAX_REPORTED_LINES) {
      // Every line is worth its own report (not rate-limited by code), up to the bound.
      reportWarning(new EvaluationInvalidDatasetLineError(where(entry.line), entry.reason), 0);
    }
  });
  if (skipped.length > MAX_REPORTED_LINES) {
    reportWarning(
      new EvaluationInvalidDatasetLineError(
        `${source}: ${skipped.length - MAX_REPORTED_LINES} more lines`,
        'see the result\'s "skipped" list for each line and reason',
      ),
      0,
    );
  }
  return { items, skipped, source };
}

/** The item of `value`, or why it is not one. */
function checkRecord<Input, Expected>(
  value: unknown,
  line: number,
): ExperimentItem<Input, Expected> | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'not an object';
  }
  const record = value as Record<string, unknown>;
  if (!Object.hasOwn(record, 'input') || record.input === undefined) return 'no "input"';
  let id: string;
  const given = record.id;
  if (given === undefined || given === null) {
    id = `item-${line}`;
  } else if (typeof given === 'number' && Number.isFinite(given)) {
    id = String(given);
  } else if (typeof given === 'string' && given !== '' && given.length <= MAX_ID_LENGTH) {
    id = given;
  } else {
    return `"id" must be a non-empty string of at most ${MAX_ID_LENGTH} characters, or a number`;
  }
  const metadata = record.metadata;
  if (
    metadata !== undefined &&
    (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
  ) {
    return '"metadata" must be an object';
  }
  return {
    id,
    input: record.input as Input,
    ...(record.expected === undefined ? {} : { expected: record.expected as Expected }),
    ...(metadata === undefined ? {} : { metadata: metadata as Record<string, unknown> }),
  };
}
