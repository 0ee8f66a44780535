// Loghub-2k helpers shared by the logPattern accuracy test and the benchmarks: a small RFC 4180
// CSV reader (the Content and EventTemplate fields hold commas and doubled quotes) and the
// grouping-accuracy metric used in the log-parsing literature.
//
// Two data locations, one format (columns Content and EventTemplate, one row per log line):
// - FULL_DATA_DIR: the full Loghub-2k corrected data, beside the repository, never inside it;
//   one folder per dataset holding <Name>_2k.log_structured_corrected.csv.
// - SAMPLE_DATA_DIR: the small labelled subset the repository holds (test/fixtures/loghub-sample,
//   see its README.md), one <Name>.csv per dataset; the unit test runs on it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The eight datasets of the development split, in report order. */
export const DATASETS = [
  'Apache',
  'BGL',
  'HDFS',
  'Hadoop',
  'Mac',
  'OpenSSH',
  'Spark',
  'Thunderbird',
];

/** The repository root (this file is bench/log-sampling/loghub.mjs). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The full data: beside the repository, never inside it (it is not ours to ship). */
export const FULL_DATA_DIR = resolve(REPO_ROOT, '../shared/data/loghub-dev');

/** The in-repository labelled sample (made by make-loghub-sample.mjs from the full data). */
export const SAMPLE_DATA_DIR = join(REPO_ROOT, 'test/fixtures/loghub-sample');

/** Default of loadDataset/loadAll: the full data (kept for the benchmarks that use it). */
export const DEFAULT_DATA_DIR = FULL_DATA_DIR;

/**
 * Parses CSV text into rows of fields. Handles quoted fields with embedded commas, newlines and
 * doubled quotes, and both LF and CRLF line ends. A trailing empty line yields no row.
 * @param {string} text
 * @returns {string[][]}
 */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  const n = text.length;
  let inQuotes = false;
  while (i < n) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      inQuotes = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
    i++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * The CSV file of one dataset in `dataDir`: the full layout (<Name>/<Name>_2k.log_structured_
 * corrected.csv) when present, else the sample layout (<Name>.csv), else null.
 * @param {string} name
 * @param {string} dataDir
 * @returns {string | null}
 */
export function datasetFile(name, dataDir) {
  const full = join(dataDir, name, `${name}_2k.log_structured_corrected.csv`);
  if (existsSync(full)) return full;
  const sample = join(dataDir, `${name}.csv`);
  return existsSync(sample) ? sample : null;
}

/**
 * Reads one dataset's structured CSV and returns the message and its true template per line.
 * Throws with a clear message when the file is missing.
 * @param {string} name
 * @param {string} [dataDir]
 * @returns {{ name: string, contents: string[], templates: string[] }}
 */
export function loadDataset(name, dataDir = DEFAULT_DATA_DIR) {
  const file = datasetFile(name, dataDir);
  if (file === null) {
    throw new Error(
      `Loghub data missing: expected ${join(dataDir, name, `${name}_2k.log_structured_corrected.csv`)} ` +
        `(full data) or ${join(dataDir, `${name}.csv`)} (sample).`,
    );
  }
  const rows = parseCsv(readFileSync(file, 'utf8'));
  const header = rows[0] ?? [];
  const ci = header.indexOf('Content');
  const ti = header.indexOf('EventTemplate');
  if (ci < 0 || ti < 0) throw new Error(`${file}: no Content/EventTemplate columns`);
  const contents = [];
  const templates = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    if (row.length <= Math.max(ci, ti)) continue;
    contents.push(row[ci]);
    templates.push(row[ti]);
  }
  return { name, contents, templates };
}

/**
 * Loads all datasets from `dataDir` (the full data by default, or SAMPLE_DATA_DIR), failing with
 * one clear message when the folder itself is absent.
 * @param {string} [dataDir]
 */
export function loadAll(dataDir = DEFAULT_DATA_DIR) {
  if (!existsSync(dataDir)) {
    throw new Error(
      `Loghub data missing: expected the folder ${dataDir} holding ${DATASETS.join(', ')}. ` +
        `The full Loghub-2k corrected data is looked for in ${FULL_DATA_DIR} (beside the ` +
        `repository); the in-repository sample is ${SAMPLE_DATA_DIR}.`,
    );
  }
  return DATASETS.map((name) => loadDataset(name, dataDir));
}

/**
 * Grouping accuracy: a line is correct when the set of lines sharing its predicted key is exactly
 * the set of lines sharing its true template. Returns correct lines / all lines.
 * @param {readonly string[]} predicted
 * @param {readonly string[]} truth
 */
export function groupingAccuracy(predicted, truth) {
  if (predicted.length !== truth.length) throw new Error('length mismatch');
  const truthCount = new Map();
  for (const t of truth) truthCount.set(t, (truthCount.get(t) ?? 0) + 1);
  // Per predicted group: its size, and the single true template it holds (or null when mixed).
  const groups = new Map();
  for (let i = 0; i < predicted.length; i++) {
    const g = groups.get(predicted[i]);
    if (g === undefined) groups.set(predicted[i], { size: 1, truth: truth[i] });
    else {
      g.size++;
      if (g.truth !== truth[i]) g.truth = null;
    }
  }
  let correct = 0;
  for (const g of groups.values()) {
    if (g.truth !== null && truthCount.get(g.truth) === g.size) correct += g.size;
  }
  return predicted.length === 0 ? 1 : correct / predicted.length;
}

/**
 * Runs `keyOf` over every dataset and returns per-dataset accuracy plus the average.
 * @param {(message: string) => string} keyOf
 * @param {ReturnType<typeof loadAll>} datasets
 */
export function evaluate(keyOf, datasets) {
  const rows = datasets.map((d) => ({
    name: d.name,
    lines: d.contents.length,
    templates: new Set(d.templates).size,
    accuracy: groupingAccuracy(d.contents.map(keyOf), d.templates),
  }));
  const average = rows.reduce((s, r) => s + r.accuracy, 0) / (rows.length || 1);
  return { rows, average };
}

/** Formats an evaluate() result as a markdown table. */
export function accuracyTable(result, label = 'accuracy') {
  const lines = [`| dataset | lines | true templates | ${label} |`, '|---|---:|---:|---:|'];
  for (const r of result.rows) {
    lines.push(`| ${r.name} | ${r.lines} | ${r.templates} | ${r.accuracy.toFixed(3)} |`);
  }
  lines.push(`| **average** | | | **${result.average.toFixed(3)}** |`);
  return lines.join('\n');
}
