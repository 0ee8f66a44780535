/**
 * The sampling policy client and pattern reporter against the reference Sprint Lens backend
 * (real HTTP on 127.0.0.1): fetch at start, refresh with ETag/304, invalid policies rejected with
 * the last good one kept, an unreachable backend, pattern reports, headers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { resolveConfig } from '../../src/config/resolve';
import { resetDiagRateLimits } from '../../src/base/diag';
import { createLogSampling } from '../../src/sampling/create-log-sampling-processor';
import type { LogSampling } from '../../src/sampling/create-log-sampling-processor';
import { logPattern } from '../../src/sampling/log-pattern';
import { logSamplingFromConfig } from '../../src/sampling/log-sampling';
import { getActiveLogSampler } from '../../src/sampling/log-sampler';
import { VERSION } from '../../src/base/version';
import { DEFAULT_POLICY, RawPolicy, startBackend } from '../support/backend';
import type { Backend } from '../support/backend';
import { freePort } from '../support/ports';
import { createRandom } from '../support/prng';

let backend: Backend | undefined;
let sampling: LogSampling | undefined;
const warnings: string[] = [];

// The diag component logger passes the namespace first, then the message.
const push = (...args: unknown[]): void => {
  warnings.push(
    args
      .filter((a) => a !== 'sprintlens')
      .map(String)
      .join(' '),
  );
};
const collector: DiagLogger = {
  error: push,
  warn: push,
  info: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};

beforeEach(() => {
  warnings.length = 0;
  resetDiagRateLimits();
  diag.setLogger(collector, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
});

afterEach(async () => {
  await sampling?.shutdown();
  await backend?.close();
  sampling = undefined;
  backend = undefined;
  diag.disable();
});

const HOT = 'cache hit for key 42';
const hotId = logPattern(HOT).id;

function start(options: Parameters<typeof createLogSampling>[0] = {}): LogSampling {
  if (backend === undefined) throw new Error('no backend');
  sampling = createLogSampling({
    endpoint: backend.url,
    serviceName: 'checkout',
    apiKey: 'k-123',
    random: createRandom(1),
    firstOccurrences: 0,
    policyRefreshSeconds: 0.2,
    patternReportSeconds: 3600,
    ...options,
  });
  return sampling;
}

describe('policy client', () => {
  it('fetches the policy at start with the bearer key and user-agent, and applies it', async () => {
    backend = await startBackend({
      apiKey: 'k-123',
      policy: {
        ...DEFAULT_POLICY,
        version: 'v1',
        severityRates: { INFO: 0.5, ERROR: 0, FATAL: 0 },
        patternRates: { [hotId]: 0.01 },
      },
    });
    const s = start();
    await waitUntil(() => s.sampler.policy?.version === 'v1');
    const request = backend.policyRequests[0]!;
    expect(request.service).toBe('checkout');
    expect(request.request.headers.authorization).toBe('Bearer k-123');
    expect(request.request.userAgent).toBe(`sprintlens-node/${VERSION}`);
    expect(s.sampler.decide({ severityNumber: 9, message: 'cache hit for key 7' }).sampleRate).toBe(
      100,
    );
    expect(s.sampler.decide({ severityNumber: 9, message: 'other' }).sampleRate).toBe(2);
    // ERROR and FATAL stay at 1 whatever the policy says.
    for (const severityNumber of [17, 21, 24]) {
      expect(s.sampler.decide({ severityNumber, message: HOT })).toMatchObject({
        keep: true,
        sampleRate: 1,
      });
    }
  });

  it('refreshes with If-None-Match, honours 304, and picks up a changed policy', async () => {
    backend = await startBackend({ policy: { ...DEFAULT_POLICY, version: 'a' } });
    const s = start({ apiKey: undefined });
    await backend.waitFor(
      () => backend!.policyRequests.filter((r) => r.status === 304).length >= 2,
      {
        timeoutMs: 10_000,
      },
    );
    const [first, second] = backend.policyRequests;
    expect(first?.status).toBe(200);
    expect(first?.ifNoneMatch).toBeUndefined();
    expect(second?.status).toBe(304);
    expect(second?.ifNoneMatch).toBe(first?.etag);
    expect(s.sampler.policy?.version).toBe('a');
    expect(s.policyClient?.confirmedAt).toBeDefined();

    backend.setPolicy({ ...DEFAULT_POLICY, version: 'b', severityRates: { INFO: 0.75 } });
    await waitUntil(() => s.sampler.policy?.version === 'b');
    expect(s.sampler.decide({ severityNumber: 9, message: 'x' }).sampleRate).toBeCloseTo(4 / 3);
    expect(s.policyClient?.invalid).toBe(0);
    expect(s.policyClient?.fetchFailures).toBe(0);
  });

  it.each([
    ['not JSON', new RawPolicy('{"version": ')],
    ['a rate above 1', { version: 'bad', severityRates: { INFO: 3 } }],
    ['a negative default rate', { version: 'bad', defaultRate: -1 }],
    [
      'a __proto__ pattern key',
      JSON.parse('{"version":"bad","patternRates":{"__proto__":{"x":1}}}') as unknown,
    ],
    ['a non-id pattern key', { version: 'bad', patternRates: { 'GET /': 0.5 } }],
    ['no version', { defaultRate: 0.5 }],
    ['an array', [1, 2, 3]],
  ])('rejects a policy with %s and keeps the last good one', async (_name, bad) => {
    backend = await startBackend({ policy: { ...DEFAULT_POLICY, version: 'good' } });
    const s = start();
    await waitUntil(() => s.sampler.policy?.version === 'good');
    backend.setPolicy(bad);
    await waitUntil(() => (s.policyClient?.invalid ?? 0) >= 2);
    expect(s.sampler.policy?.version).toBe('good');
    expect(s.sampler.decide({ severityNumber: 9, message: 'x' }).sampleRate).toBe(5);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    // Reported once (rate-limited), with its code, without echoing the document.
    expect(warnings.filter((w) => w.startsWith('SL_POLICY_INVALID'))).toHaveLength(1);
    // A fixed policy is taken again.
    backend.setPolicy({ ...DEFAULT_POLICY, version: 'fixed' });
    await waitUntil(() => s.sampler.policy?.version === 'fixed');
  });

  it('keeps the last good policy through an outage and error statuses, then refreshes', async () => {
    backend = await startBackend({ policy: { ...DEFAULT_POLICY, version: 'v1' } });
    const s = start();
    await waitUntil(() => s.sampler.policy?.version === 'v1');
    await backend.setFaults({ routes: ['policy'], outage: { mode: 'refuse', durationMs: 800 } });
    await waitUntil(() => (s.policyClient?.fetchFailures ?? 0) >= 1);
    expect(s.sampler.policy?.version).toBe('v1');
    await backend.outageOver();
    await backend.setFaults({ routes: ['policy'], statusSequence: { statuses: [500, 503] } });
    backend.setPolicy({ ...DEFAULT_POLICY, version: 'v2' });
    await waitUntil(() => s.sampler.policy?.version === 'v2', 15_000);
    expect(s.policyClient?.fetchFailures).toBeGreaterThanOrEqual(3);
    expect(warnings.some((w) => w.startsWith('SL_POLICY_FETCH_FAILED'))).toBe(true);
  });

  it('with an unreachable backend uses the local rates, counts failures, and never blocks logging', async () => {
    const port = await freePort();
    sampling = createLogSampling({
      endpoint: `http://127.0.0.1:${port}`,
      serviceName: 'checkout',
      random: createRandom(2),
      policyRefreshSeconds: 0.1,
      firstOccurrences: 0,
      rates: { INFO: 0.25 },
    });
    const s = sampling;
    await waitUntil(() => (s.policyClient?.fetchFailures ?? 0) >= 1);
    expect(s.sampler.policy).toBeUndefined();
    expect(s.sampler.decide({ severityNumber: 9, message: 'still logging' }).sampleRate).toBe(4);
    expect(warnings.filter((w) => w.startsWith('SL_POLICY_FETCH_FAILED'))).toHaveLength(1);
    expect(warnings.join('\n')).not.toContain('k-123');
  });
});

describe('pattern reporter', () => {
  it('posts window stats (id, template, severity, count, kept) periodically and at shutdown', async () => {
    backend = await startBackend({ apiKey: 'k-123' });
    const s = start({ patternReportSeconds: 0.3, maxReportPatterns: 3 });
    await waitUntil(() => s.sampler.policy !== undefined);
    const counts = [50, 40, 30, 20, 10];
    counts.forEach((count, k) => {
      for (let i = 0; i < count; i++) {
        s.processor.onEmit(record(`pattern${'abcde'[k]} value ${i}`, 9));
      }
    });
    await backend.waitFor(() => backend!.patternReports.length >= 1, { timeoutMs: 10_000 });
    const first = backend.patternReports[0]!;
    expect(first.request.headers.authorization).toBe('Bearer k-123');
    expect(first.report.service).toBe('checkout');
    expect(Date.parse(first.report.windowEnd)).toBeGreaterThanOrEqual(
      Date.parse(first.report.windowStart),
    );
    // Bounded to the top 3 by count.
    expect(first.report.patterns.map((p) => p.count)).toEqual([50, 40, 30]);
    const top = first.report.patterns[0]!;
    expect(top).toMatchObject({
      id: logPattern('patterna value 1').id,
      template: 'patterna value <*>',
      severity: 'INFO',
    });
    expect(top.kept).toBeGreaterThan(0);
    expect(top.kept).toBeLessThan(top.count);

    // The last window goes out at shutdown.
    for (let i = 0; i < 7; i++) s.processor.onEmit(record(`late line ${i}`, 13));
    await s.processor.shutdown();
    const last = backend.patternReports.at(-1)!;
    expect(last.report.patterns).toEqual([
      expect.objectContaining({ id: logPattern('late line 1').id, count: 7, severity: 'WARN' }),
    ]);
  });

  it('counts and reports a rejected report without affecting sampling', async () => {
    backend = await startBackend({
      faults: { routes: ['patterns'], statusSequence: { statuses: [500] } },
    });
    const s = start({ patternReportSeconds: 3600 });
    s.processor.onEmit(record('one line', 9));
    await s.reporter?.report({ final: false });
    expect(s.reporter?.failures).toBe(1);
    expect(warnings.some((w) => w.startsWith('SL_PATTERN_REPORT_FAILED'))).toBe(true);
    s.processor.onEmit(record('one line', 9));
    await s.reporter?.report({ final: false });
    expect(s.reporter?.failures).toBe(1);
    expect(backend.patternReports).toHaveLength(1);
  });
});

describe('logSamplingFromConfig', () => {
  it('wires rates, scope, endpoint, key and headers from the resolved configuration', async () => {
    backend = await startBackend({
      apiKey: 'secret-key',
      policy: { ...DEFAULT_POLICY, version: 'cfg' },
    });
    const { config } = resolveConfig(
      { serviceName: 'billing', logSamplingScope: 'all', logRates: { DEBUG: 0.5 } },
      {
        env: {
          SPRINTLENS_ENDPOINT: backend.url,
          SPRINTLENS_API_KEY: 'secret-key',
          SPRINTLENS_POLICY_REFRESH_SECONDS: '300',
        },
      },
    );
    const downstream = {
      onEmit: () => undefined,
      forceFlush: async () => undefined,
      shutdown: async () => undefined,
    };
    const s = logSamplingFromConfig(config, downstream);
    sampling = s;
    // Not published: start() hands it to its own log instrumentations.
    expect(getActiveLogSampler()).toBeUndefined();
    expect(s.sampler.scope).toBe('all');
    expect(s.sampler.decide({ severityNumber: 5, message: 'a' }).sampleRate).toBe(1); // first
    await waitUntil(() => s.sampler.policy?.version === 'cfg');
    const request = backend.policyRequests[0]!;
    expect(request.service).toBe('billing');
    expect(request.request.headers.authorization).toBe('Bearer secret-key');
    await s.shutdown();
    expect(getActiveLogSampler()).toBeUndefined();
  });
});

/** A real SDK log record, captured from a provider whose processor stores it. */
function record(body: string, severityNumber: number): ReadWriteLogRecord {
  let captured: ReadWriteLogRecord | undefined;
  const provider = new LoggerProvider({
    processors: [
      {
        onEmit: (r) => {
          captured = r;
        },
        forceFlush: async () => undefined,
        shutdown: async () => undefined,
      },
    ],
  });
  provider.getLogger('t').emit({ body, severityNumber });
  if (captured === undefined) throw new Error('no record');
  return captured;
}

async function waitUntil(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
