import { afterEach } from 'vitest';
import { startBackend } from '../../support/backend';
import type { Backend, BackendOptions } from '../../support/backend';

/**
 * A `start` function for the test file: every backend it starts is closed after the test that
 * started it, so no test leaves a listening server behind.
 */
export function backendsClosedAfterEach(): (options?: BackendOptions) => Promise<Backend> {
  const backends: Backend[] = [];
  afterEach(async () => {
    await Promise.all(backends.splice(0).map((backend) => backend.close()));
  });
  return async (options: BackendOptions = {}) => {
    const backend = await startBackend(options);
    backends.push(backend);
    return backend;
  };
}
