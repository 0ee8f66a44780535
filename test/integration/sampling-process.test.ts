/**
 * The sampler's background work in a real process (built code): it must never keep an app
 * alive, and the last pattern report must go out on shutdown.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBackend } from '../support/backend';
import type { Backend } from '../support/backend';
import { REPO_ROOT, runApp } from '../support/spawn-app';

const MODULE = join(REPO_ROOT, 'dist/src/sampling/create-log-sampling-processor.js');
let backend: Backend | undefined;

afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

function script(endpoint: string, body: string): string {
  return `
const { createLogSampling } = require(${JSON.stringify(MODULE)});
const s = createLogSampling({ endpoint: ${JSON.stringify(endpoint)}, serviceName: 'proc-test',
  apiKey: 'k', policyRefreshSeconds: 1, patternReportSeconds: 1, requestTimeoutMillis: 60000 });
for (let i = 0; i < 1000; i++) s.sampler.decide({ severityNumber: 9, message: 'line ' + i });
${body}`;
}

describe('sampling in a real process', () => {
  it('does not keep the app alive while a policy request hangs', async () => {
    backend = await startBackend({
      apiKey: 'k',
      faults: { routes: ['policy'], latency: { ms: 30_000 } },
    });
    const result = await runApp({
      // The app's own work lasts 1 s: long enough for the policy request to go out and hang.
      args: ['-e', script(backend.url, "setTimeout(() => console.log('done'), 1000);")],
      killAfterMillis: 20_000,
    });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('done');
    // Exited on its own, long before the hanging request (60 s timeout) or the 20 s kill.
    // The request was really under way when the app exited.
    expect(backend.requestsTo('policy').length).toBeGreaterThanOrEqual(1);
  });

  it('sends the last pattern report on shutdown, then exits', async () => {
    backend = await startBackend({ apiKey: 'k' });
    const result = await runApp({
      args: ['-e', script(backend.url, "s.processor.shutdown().then(() => console.log('shut'));")],
      killAfterMillis: 20_000,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('shut');
    expect(backend.patternReports).toHaveLength(1);
    const [stat] = backend.patternReports[0]?.report.patterns ?? [];
    expect(stat).toMatchObject({ template: 'line <*>', count: 1000, severity: 'INFO' });
    expect(backend.patternReports[0]?.report.service).toBe('proc-test');
  });
});
