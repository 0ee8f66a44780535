// Grouping accuracy of logPattern (built) on the full Loghub-2k corrected data: 8 datasets x 2,000
// labelled lines. The unit test (test/unit/sampling/log-pattern-accuracy.test.ts) checks the
// same metric on the small sample the repository holds; this is the full measurement.
//
//   npm run build && node_modules/.bin/node bench/log-sampling/loghub-accuracy.mjs
//
// The full data is not in the repository: it is read from FULL_DATA_DIR (loghub.mjs), the
// folder ../shared/data/loghub-dev beside the repository root. When it is absent the benchmark
// says so, prints what to do, reports the in-repository sample instead and exits 0 (absent data
// is not a failure of the code under test). It exits 1 only when the build is missing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DATASETS,
  FULL_DATA_DIR,
  REPO_ROOT,
  SAMPLE_DATA_DIR,
  accuracyTable,
  evaluate,
  loadAll,
} from './loghub.mjs';

const built = join(REPO_ROOT, 'dist/src/sampling/log-pattern.js');
if (!existsSync(built)) {
  console.error(`Build first: npm run build (missing ${built})`);
  process.exit(1);
}
const { logPattern } = await import(pathToFileURL(built).href);
const keyOf = (m) => logPattern(m).id;

const sample = evaluate(keyOf, loadAll(SAMPLE_DATA_DIR));

if (!existsSync(FULL_DATA_DIR)) {
  console.log(
    [
      `Loghub data absent: ${FULL_DATA_DIR} does not exist, so the full accuracy was not measured.`,
      'To measure it, put the Loghub-2k corrected datasets there: one folder per dataset',
      `(${DATASETS.join(', ')}) holding <Name>_2k.log_structured_corrected.csv, as published in`,
      'logpai/logparser (data/loghub_2k_corrected; https://github.com/logpai/loghub for the',
      'licence and citation). Then run this again.',
      '',
      `In-repository sample only (${SAMPLE_DATA_DIR}):`,
      '',
      accuracyTable(sample, 'logPattern'),
    ].join('\n'),
  );
  process.exit(0);
}

const full = evaluate(keyOf, loadAll(FULL_DATA_DIR));
console.log(`logPattern grouping accuracy, full Loghub-2k corrected (${FULL_DATA_DIR})\n`);
console.log(accuracyTable(full, 'logPattern'));
console.log(`\nIn-repository sample (${SAMPLE_DATA_DIR}), what the unit test checks\n`);
console.log(accuracyTable(sample, 'logPattern'));
