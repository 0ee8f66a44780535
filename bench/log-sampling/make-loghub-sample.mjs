// Regenerates the labelled Loghub sample the repository holds (test/fixtures/loghub-sample) from
// the full Loghub-2k corrected data, so that the logPattern accuracy unit test runs on a fresh
// clone with nothing beside it.
//
//   node bench/log-sampling/make-loghub-sample.mjs
//
// Reads FULL_DATA_DIR (see loghub.mjs; beside the repository) and writes, for each dataset,
// SAMPLE_DATA_DIR/<Name>.csv, plus a copy of the data's LICENSE. Deterministic: no randomness,
// the same input always gives byte-identical files. When the full data is absent it says so and
// exits 1 (there is nothing to regenerate from).
//
// Selection, per dataset (at most BUDGET lines):
// 1. Group the lines by true template (EventTemplate). Order the templates by line count,
//    largest first; ties by the first line where the template occurs.
// 2. Cap every template at CAP lines, CAP being the largest value >= MIN_CAP for which the capped
//    counts of all templates fit in BUDGET (MIN_CAP when even that does not fit).
// 3. Walk the templates in that order and take min(count, CAP) lines of each while they fit;
//    a template that no longer fits is skipped (a smaller one after it may still fit).
// 4. A template's lines are taken evenly spaced over its occurrences in the file (the middle of
//    each of min(count, CAP) equal slices), so the sample spans the whole 2k lines.
// 5. Write the chosen lines in file order with the columns LineId, Content, EventId and
//    EventTemplate.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DATASETS,
  FULL_DATA_DIR,
  SAMPLE_DATA_DIR,
  datasetFile,
  loadDataset,
  parseCsv,
} from './loghub.mjs';

const BUDGET = 200;
const MIN_CAP = 3;
const COLUMNS = ['LineId', 'Content', 'EventId', 'EventTemplate'];

if (!existsSync(FULL_DATA_DIR)) {
  console.error(
    `Loghub data absent: ${FULL_DATA_DIR} does not exist, so the sample cannot be regenerated.\n` +
      'Put the Loghub-2k corrected datasets there (one folder per dataset holding ' +
      '<Name>_2k.log_structured_corrected.csv, from logpai/logparser data/loghub_2k_corrected) ' +
      'and run this again.',
  );
  process.exit(1);
}

/** Quotes a CSV field when it holds a comma, a quote or a line end (RFC 4180). */
function csvField(value) {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Chooses the row indices (into `templates`) of the sample, in file order.
 * @param {readonly string[]} templates true template of each line, in file order
 */
function selectLines(templates) {
  const groups = new Map();
  templates.forEach((t, i) => {
    const g = groups.get(t);
    if (g === undefined) groups.set(t, [i]);
    else g.push(i);
  });
  const ordered = [...groups.values()].sort((a, b) => b.length - a.length || a[0] - b[0]);
  const capped = (cap) => ordered.reduce((s, g) => s + Math.min(g.length, cap), 0);
  let cap = MIN_CAP;
  while (cap < (ordered[0]?.length ?? 0) && capped(cap + 1) <= BUDGET) cap++;
  const chosen = [];
  for (const g of ordered) {
    const quota = Math.min(g.length, cap);
    if (chosen.length + quota > BUDGET) continue;
    for (let k = 0; k < quota; k++) chosen.push(g[Math.floor(((k + 0.5) * g.length) / quota)]);
  }
  return { cap, indices: chosen.sort((a, b) => a - b) };
}

mkdirSync(SAMPLE_DATA_DIR, { recursive: true });
let totalBytes = 0;
for (const name of DATASETS) {
  const file = datasetFile(name, FULL_DATA_DIR);
  if (file === null) throw new Error(`${name}: no CSV in ${FULL_DATA_DIR}`);
  const rows = parseCsv(readFileSync(file, 'utf8'));
  const header = rows[0] ?? [];
  const cols = COLUMNS.map((c) => header.indexOf(c));
  if (cols.some((c) => c < 0)) throw new Error(`${file}: missing one of ${COLUMNS.join(', ')}`);
  const body = rows.slice(1).filter((r) => r.length > Math.max(...cols));
  const ti = header.indexOf('EventTemplate');
  const { cap, indices } = selectLines(body.map((r) => r[ti]));
  const out = [COLUMNS.join(',')];
  for (const i of indices) out.push(cols.map((c) => csvField(body[i][c])).join(','));
  const text = out.join('\n') + '\n';
  const target = join(SAMPLE_DATA_DIR, `${name}.csv`);
  writeFileSync(target, text);
  totalBytes += Buffer.byteLength(text);

  // Round trip: the sample reads back as exactly the chosen lines.
  const back = loadDataset(name, SAMPLE_DATA_DIR);
  const ci = header.indexOf('Content');
  const same =
    back.contents.length === indices.length &&
    indices.every((i, k) => body[i][ci] === back.contents[k] && body[i][ti] === back.templates[k]);
  if (!same) throw new Error(`${target}: does not read back as the chosen lines`);
  const kept = new Set(back.templates);
  const multi = [...kept].filter((t) => back.templates.filter((x) => x === t).length >= 2).length;
  console.log(
    `${name}: ${indices.length} of ${body.length} lines, ${kept.size} of ` +
      `${new Set(body.map((r) => r[ti])).size} templates (${multi} with 2+ lines), cap ${cap}, ` +
      `${Buffer.byteLength(text)} bytes`,
  );
}
// The licence asks that its notice be included in all copies of the data.
writeFileSync(join(SAMPLE_DATA_DIR, 'LICENSE'), readFileSync(join(FULL_DATA_DIR, 'LICENSE')));
console.log(`total ${totalBytes} bytes of CSV in ${SAMPLE_DATA_DIR}`);
