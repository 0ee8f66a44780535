import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { logPattern } from '../../../src/sampling/log-pattern';
import { accuracyTable, DATASETS, evaluate, loadAll } from '../../../bench/log-sampling/loghub.mjs';

// The Loghub-2k data lives beside the repository (../shared/data/loghub-dev), never inside it.
const DATA_DIR = path.resolve(__dirname, '../../../../shared/data/loghub-dev');
const TARGET = 0.92;

describe('logPattern grouping accuracy on Loghub-2k', () => {
  it(`averages at least ${TARGET} over ${DATASETS.join(', ')}`, () => {
    if (!existsSync(DATA_DIR)) {
      throw new Error(
        `Loghub data missing: expected the Loghub-2k corrected datasets in ${DATA_DIR} ` +
          '(../shared/data/loghub-dev relative to the repository root). CI provides it; ' +
          'locally, put the data there before running this test.',
      );
    }
    const result = evaluate((m) => logPattern(m).id, loadAll(DATA_DIR));
    console.log(`logPattern grouping accuracy\n${accuracyTable(result)}`);
    expect(result.rows).toHaveLength(DATASETS.length);
    expect(result.average).toBeGreaterThanOrEqual(TARGET);
  });
});
