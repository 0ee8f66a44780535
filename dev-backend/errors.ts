/**
 * The dev backend's error catalogue (`SL_DEV_BACKEND_…`), kept beside it so that the runtime's
 * catalogue (`src/base/errors.ts`) does not carry a development tool's classes. The codes are
 * documented in `docs/errors.md` with the others and follow the same rules: stable, never
 * reused; a test checks that no code is in both catalogues.
 */
import { SprintlensError, describeCause } from '../src/base/errors';

/** A `sprintlens dev-backend` flag is unknown or has a bad value; the command does not start. */
export class DevBackendInvalidFlagError extends SprintlensError {
  readonly code = 'SL_DEV_BACKEND_INVALID_FLAG';
  override readonly name = 'DevBackendInvalidFlagError';
  constructor(flag: string, problem: string) {
    super(`${flag}: ${problem}. Run \`sprintlens dev-backend --help\` for the flags.`);
  }
}

/** The dev backend could not listen on its host and port; the command exits. */
export class DevBackendListenFailedError extends SprintlensError {
  readonly code = 'SL_DEV_BACKEND_LISTEN_FAILED';
  override readonly name = 'DevBackendListenFailedError';
  constructor(host: string, port: number, cause: unknown) {
    super(
      `The dev backend could not listen on ${host}:${port} (${describeCause(cause)}). Choose ` +
        'another --port (0 picks a free one) or stop what is using it.',
      { cause },
    );
  }
}

/** The dev backend's data file could not be opened (exit) or written (served on without it). */
export class DevBackendDataFileFailedError extends SprintlensError {
  readonly code = 'SL_DEV_BACKEND_DATA_FILE_FAILED';
  override readonly name = 'DevBackendDataFileFailedError';
  constructor(path: string, cause: unknown) {
    super(
      `The dev backend data file ${JSON.stringify(path.slice(0, 300))} could not be written ` +
        `(${describeCause(cause)}). Choose a writable --data-file; the directory must exist.`,
      { cause },
    );
  }
}

/** Every code of the dev backend. A test checks it against the classes above and the docs. */
export const DEV_BACKEND_ERROR_CODES = [
  'SL_DEV_BACKEND_INVALID_FLAG',
  'SL_DEV_BACKEND_LISTEN_FAILED',
  'SL_DEV_BACKEND_DATA_FILE_FAILED',
] as const;
