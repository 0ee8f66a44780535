/**
 * Log sampling as `start()` sets it up, end to end: real pino in real processes under
 * `--require` / `--import sprintlens/register`, exporting to the reference Sprint Lens backend,
 * which serves a policy and receives the pattern report sent at shutdown.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { logPattern } from '../../src/sampling/log-pattern';
import { startBackend } from '../support/backend';
import type { Backend, ReceivedLogRecord } from '../support/backend';
import { linkPackageIntoApps, runApp } from '../support/spawn-app';

/** What the fixture (test/fixtures/apps/log-sampling-scenario.cjs) writes, by template. */
const PLAN: Record<string, { severity: string; count: number }> = {
  'request %d served in %d ms': { severity: 'INFO', count: 1500 },
  'cache miss for key %s': { severity: 'DEBUG', count: 600 },
  'slow query took %d ms': { severity: 'WARN', count: 300 },
  'payment %s failed': { severity: 'ERROR', count: 40 },
  'step %d of job': { severity: 'INFO', count: 200 },
  'disk full on %s': { severity: 'FATAL', count: 1 },
  'configuration reloaded': { severity: 'INFO', count: 1 },
};
const LINES = Object.values(PLAN).reduce((n, p) => n + p.count, 0);
/** A printf template's pattern: the template with each conversion replaced by a value. */
const patternOf = (template: string) => logPattern(template.replace(/%[sd]/g, '0'));
const idOf = (template: string): string => patternOf(template).id;
const API_KEY = 'sampling-e2e-key';

let backend: Backend | undefined;
beforeAll(() => linkPackageIntoApps());
afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

function str(record: ReceivedLogRecord, key: string): unknown {
  return record.attributes[key];
}

/** Exported records by the printf template of the plan they belong to. */
function byTemplate(records: readonly ReceivedLogRecord[]): Map<string, ReceivedLogRecord[]> {
  const ids = new Map(Object.keys(PLAN).map((t) => [idOf(t), t]));
  const out = new Map<string, ReceivedLogRecord[]>();
  for (const r of records) {
    const template = ids.get(String(str(r, 'sprintlens.pattern.id')));
    if (template === undefined) throw new Error(`unexpected record ${String(r.body)}`);
    out.set(template, [...(out.get(template) ?? []), r]);
  }
  return out;
}

async function run(kind: 'cjs' | 'esm', scope: 'export' | 'all') {
  const service = `log-sampling-${kind}-${scope}`;
  backend = await startBackend({ apiKey: API_KEY });
  // The policy drops one DEBUG pattern (rate 0): only its first occurrences remain, where the
  // DEBUG rate (0.05) alone would keep some twenty more.
  backend.setPolicy({
    version: 'e2e-1',
    ttlSeconds: 300,
    defaultRate: 1,
    severityRates: { TRACE: 0.01, DEBUG: 0.05, INFO: 0.2, WARN: 0.5 },
    patternRates: { [idOf('cache miss for key %s')]: 0 },
  });
  const result = await runApp({
    args: [
      kind === 'cjs' ? '--require' : '--import',
      'sprintlens/register',
      `log-sampling/pino.${kind === 'cjs' ? 'cjs' : 'mjs'}`,
    ],
    env: {
      SPRINTLENS_ENDPOINT: backend.url,
      SPRINTLENS_API_KEY: API_KEY,
      OTEL_SERVICE_NAME: service,
      SPRINTLENS_LOG_SAMPLING_SCOPE: scope,
      FIXTURE_WAIT_POLICY: '1',
    },
  });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const b = backend;
  await b.waitFor(() => b.patternReports.length === 1, { description: 'the pattern report' });
  const stdout = result.stdout.split('\n').filter((l) => l.startsWith('{'));
  return { backend: b, service, stdout, records: b.logRecords };
}

describe.each([{ kind: 'cjs' as const }, { kind: 'esm' as const }])(
  'log sampling through start(), $kind',
  ({ kind }) => {
    it('scope export: pino writes every line; exported records are sampled, errors all kept, the policy applied, the report exact', async () => {
      const { backend: b, service, stdout, records } = await run(kind, 'export');
      expect(stdout).toHaveLength(LINES);
      expect(b.policyRequests[0]?.service).toBe(service);

      const exported = byTemplate(records);
      for (const [template, kept] of exported) {
        for (const r of kept) {
          // The pattern's template (variables as <*>), the same whichever logger wrote the line.
          expect(str(r, 'log.record.template')).toBe(patternOf(template).template);
          expect(str(r, 'sprintlens.sample_rate')).toBeGreaterThanOrEqual(1);
          expect(r.resource['service.name']).toBe(service);
        }
      }
      // Every ERROR and FATAL line, the rare line; of the pattern the policy drops, its first five.
      expect(exported.get('payment %s failed')).toHaveLength(40);
      expect(exported.get('disk full on %s')).toHaveLength(1);
      expect(exported.get('configuration reloaded')).toHaveLength(1);
      const misses = exported.get('cache miss for key %s') ?? [];
      // (Sorted: batches sent concurrently may arrive in any order.)
      expect(misses.map((r) => String(r.body)).sort()).toEqual(
        [0, 1, 2, 3, 4].map((i) => `cache miss for key k${i}`),
      );
      expect(misses.map((r) => r.attributes['sprintlens.sample_rate'])).toEqual([1, 1, 1, 1, 1]);
      // Sampled patterns lose lines, but never their first occurrences.
      const requests = exported.get('request %d served in %d ms') ?? [];
      expect(requests.length).toBeGreaterThanOrEqual(5);
      expect(requests.length).toBeLessThan(1500);
      const served = requests.map((r) => String(r.body));
      expect(served).toEqual(
        expect.arrayContaining([0, 1, 2, 3, 4].map((i) => `request ${i} served in ${i} ms`)),
      );
      // The records of the traced job lines carry their trace.
      for (const r of exported.get('step %d of job') ?? [])
        expect(r.traceId).toMatch(/^[0-9a-f]{32}$/);

      // The report sent at shutdown counts every line written and every record kept.
      const report = b.patternReports[0]!.report;
      expect(report.service).toBe(service);
      for (const [template, plan] of Object.entries(PLAN)) {
        const stat = report.patterns.find((p) => p.id === idOf(template));
        expect(stat, template).toMatchObject({ count: plan.count, severity: plan.severity });
        expect(stat?.kept, template).toBe(exported.get(template)?.length ?? 0);
      }
    });

    it('scope all: a dropped line is neither written nor exported; what is written is exported', async () => {
      const { backend: b, stdout, records } = await run(kind, 'all');
      expect(stdout.length).toBeLessThan(LINES);
      expect(records).toHaveLength(stdout.length);
      // The same lines (compared sorted: a busy pipe may delay a line of pino's output).
      const written = stdout.map((l) => (JSON.parse(l) as { msg: string }).msg);
      expect(records.map((r) => String(r.body)).sort()).toEqual([...written].sort());
      expect(written.filter((m) => m.startsWith('payment '))).toHaveLength(40);
      expect(written.filter((m) => m.startsWith('cache miss '))).toHaveLength(5);
      const report = b.patternReports[0]!.report;
      const kept = report.patterns.reduce((n, p) => n + p.kept, 0);
      expect(kept).toBe(stdout.length);
    });
  },
);
