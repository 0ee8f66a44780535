/**
 * CSV datasets, read with `csv-parse` (loaded at first use: a process that never reads a CSV
 * dataset never loads it). The first row names the columns:
 *
 * - `input`, `expected`, `id`: the item's fields, as text (an empty `expected` is none);
 * - `input.<key>`, `expected.<key>`: build an object instead (`input.question`, `input.context`);
 * - `metadata`: a JSON object; `metadata.<key>` and any other column: a metadata entry.
 *
 * A row with the wrong number of fields, or a quoting error, is a problem of its line; the
 * rows after it are read as usual (a quote left open swallows the rest of the file, as it
 * would in any CSV reader).
 */
import type * as CsvParseSync from 'csv-parse/sync';
import { EvaluationInvalidExperimentError } from '../base/errors';
import type { RawProblem, RawRecord } from './dataset';

type CsvParser = typeof CsvParseSync;
let parser: CsvParser | undefined;
function csvParse(): CsvParser {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only for CSV datasets.
  parser ??= require('csv-parse/sync') as CsvParser;
  return parser;
}

/** A parsed row with its position (csv-parse's `info` and `raw` options). */
interface CsvRow {
  readonly record: Record<string, string>;
  readonly raw: string;
  readonly info: { readonly lines: number };
}

/** The items of a CSV text (by the line each record starts on), and the rows that failed. */
export function parseCsvDataset(
  text: string,
  name: string,
): { records: RawRecord[]; problems: RawProblem[] } {
  const problems: RawProblem[] = [];
  let rows: CsvRow[];
  try {
    rows = csvParse().parse(text, {
      columns: true,
      bom: true,
      info: true,
      raw: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        if (error !== undefined) {
          const line = typeof error.lines === 'number' ? error.lines : 0;
          problems.push({ line, reason: `not a valid CSV row (${error.code})` });
        }
        return undefined;
      },
    }) as unknown as CsvRow[];
  } catch (error) {
    // Only the header can fail the whole file (e.g. a repeated column name).
    throw new EvaluationInvalidExperimentError(`${name} is not a CSV file with a header`, error);
  }
  const records: RawRecord[] = [];
  for (const row of rows) {
    const line = startLine(row);
    const item = itemOf(row.record);
    if (typeof item === 'string') problems.push({ line, reason: item });
    else records.push({ line, value: item });
  }
  if (rows.length > 0 && !Object.keys(rows[0]!.record).some(isInputColumn)) {
    throw new EvaluationInvalidExperimentError(
      `${name} has no "input" column (or "input.<key>" columns)`,
    );
  }
  return { records, problems };
}

function isInputColumn(column: string): boolean {
  return column === 'input' || column.startsWith('input.');
}

/** The line a record starts on: the line it ends on, less the line breaks inside it. */
function startLine(row: CsvRow): number {
  const own = row.raw.replace(/^[\r\n]+/, '').replace(/\r?\n?$/, '');
  let breaks = 0;
  for (let i = own.indexOf('\n'); i !== -1; i = own.indexOf('\n', i + 1)) breaks++;
  return row.info.lines - breaks;
}

/** A row as a dataset record (see the module comment for the column names), or what is wrong. */
function itemOf(row: Record<string, string>): Record<string, unknown> | string {
  const item: Record<string, unknown> = {};
  const input: Record<string, string> = {};
  const expected: Record<string, string> = {};
  const metadata: Record<string, unknown> = {};
  let hasInputObject = false;
  let hasExpectedObject = false;
  for (const [column, cell] of Object.entries(row)) {
    if (column === 'input') item.input = cell;
    else if (column === 'id') item.id = cell === '' ? undefined : cell;
    else if (column === 'expected') {
      if (cell !== '') item.expected = cell;
    } else if (column === 'metadata') {
      if (cell === '') continue;
      const parsed = jsonObject(cell);
      if (parsed === undefined) return 'the "metadata" cell is not a JSON object';
      Object.assign(metadata, parsed);
    } else if (column.startsWith('input.')) {
      input[column.slice('input.'.length)] = cell;
      hasInputObject = true;
    } else if (column.startsWith('expected.')) {
      expected[column.slice('expected.'.length)] = cell;
      hasExpectedObject = true;
    } else if (column.startsWith('metadata.')) {
      metadata[column.slice('metadata.'.length)] = cell;
    } else {
      metadata[column] = cell;
    }
  }
  if (hasInputObject && item.input === undefined) item.input = input;
  if (hasExpectedObject && item.expected === undefined) item.expected = expected;
  if (Object.keys(metadata).length > 0) item.metadata = metadata;
  return item;
}

/** A cell holding a JSON object, or `undefined`. */
function jsonObject(cell: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(cell);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // Not JSON: not an object either.
  }
  return undefined;
}
