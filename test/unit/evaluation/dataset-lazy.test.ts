/**
 * csv-parse is loaded only when a CSV dataset is read: importing the runner, running an
 * experiment over an array or a JSONL file, never loads it. (Unit test files run in their own
 * process: nothing else loaded it.)
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadDataset } from '../../../src/evaluation/dataset';
import { runExperiment } from '../../../src/evaluation/run-experiment';
import { REPO_ROOT } from '../../support/paths';

const nodeRequire = createRequire(__filename);
const csvParseLoaded = (): boolean =>
  Object.keys(nodeRequire.cache).includes(nodeRequire.resolve('csv-parse/sync'));

it('is required at the first CSV dataset, not before', async () => {
  await runExperiment({ name: 'x', data: [{ input: 1 }], task: (n) => n, print: false });
  loadDataset(join(REPO_ROOT, 'test/fixtures/evaluation/capitals.jsonl'));
  expect(csvParseLoaded()).toBe(false);
  loadDataset(join(REPO_ROOT, 'test/fixtures/evaluation/capitals.csv'));
  expect(csvParseLoaded()).toBe(true);
});
