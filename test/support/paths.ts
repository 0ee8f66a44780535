import { join, resolve } from 'node:path';

/** The repository root. */
export const REPO_ROOT = resolve(__dirname, '../..');
/** Fixture apps; `node_modules/sprintlens` there links to the repository, as an install would. */
export const APPS_DIR = join(REPO_ROOT, 'test/fixtures/apps');
/**
 * Folders with older majors of instrumented packages, each with its own lockfile; the
 * integration tier's global setup installs them (unit tests never need them).
 */
export const VERSIONS_DIR = join(REPO_ROOT, 'test/versions');
