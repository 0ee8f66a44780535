/**
 * `sprintlens dev-backend` as a user runs it: the built CLI in its own process, a real app
 * under `node --require sprintlens/register` sending to it, then SIGTERM.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DevSummarySnapshot } from '../../dev-backend';
import { startLlmServer } from '../support/llm-server';
import type { LlmServer } from '../support/llm-server';
import { createRandom } from '../support/prng';
import { REPO_ROOT, runApp } from '../support/spawn-app';
import type { AppResult } from '../support/spawn-app';

const CLI = join(REPO_ROOT, 'dist/src/cli/main.js');
const SERVICE = 'dev-backend-app';
const INFO_LINES = 200;

/**
 * The app: three OpenAI calls through the instrumented SDK (one answered 429), a plain
 * span, and log records through the OTel logs API (a noisy INFO pattern and one ERROR).
 */
const APP = `
const OpenAI = require('openai');
const { trace } = require('@opentelemetry/api');
const { logs, SeverityNumber } = require('@opentelemetry/api-logs');
(async () => {
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: process.env.LLM_URL + '/v1', maxRetries: 0 });
  const messages = [{ role: 'user', content: 'Say hello' }];
  for (let i = 0; i < 2; i++) await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  try {
    await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages },
      { headers: { 'x-llm-scenario': 'error-429' } },
    );
  } catch {}
  const logger = logs.getLogger('app');
  for (let i = 0; i < ${INFO_LINES}; i++) {
    logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: 'user ' + i + ' logged in' });
  }
  logger.emit({ severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: 'payment failed for order 42' });
  trace.getTracer('app').startActiveSpan('checkout', (span) => span.end());
  process.stdout.write('app done\\n');
})();
`;

let llm: LlmServer;
let workDir = '';

beforeAll(async () => {
  llm = await startLlmServer();
  workDir = mkdtempSync(join(tmpdir(), 'sprintlens-dev-backend-it-'));
});
afterAll(async () => {
  await llm.close();
  rmSync(workDir, { recursive: true, force: true });
});

/** A running `sprintlens dev-backend` process. */
interface DevBackendProcess {
  url: string;
  dataFile: string;
  stdout(): string;
  /** SIGTERM, then the result once it exited. */
  stop(): Promise<AppResult>;
}

const running: ChildProcess[] = [];
afterEach(() => {
  // A test that failed half-way must not leave a backend behind.
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function startDevBackend(name: string, args: string[] = []): Promise<DevBackendProcess> {
  const dataFile = join(workDir, `${name}.jsonl`);
  let child: ChildProcess | undefined;
  let output = '';
  const done = runApp({
    args: [CLI, 'dev-backend', '--port', '0', '--data-file', dataFile, ...args],
    cwd: workDir,
    killAfterMillis: 50_000,
    onSpawn: (spawned) => {
      child = spawned;
      running.push(spawned);
      spawned.stdout?.on('data', (chunk: string) => (output += chunk));
    },
  });
  const deadline = Date.now() + 15_000;
  let url: string | undefined;
  while (url === undefined) {
    // The banner ends with the "Ctrl-C to stop" line; wait for all of it.
    if (output.includes('Ctrl-C to stop.')) {
      url = /^sprintlens dev-backend listening on (http:\/\/\S+)$/m.exec(output)?.[1];
      if (url !== undefined) break;
    }
    if (child?.exitCode !== null && child?.exitCode !== undefined) {
      throw new Error(`dev-backend exited early: ${JSON.stringify(await done)}`);
    }
    if (Date.now() > deadline) throw new Error(`dev-backend did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    url,
    dataFile,
    stdout: () => output,
    stop: () => {
      child?.kill('SIGTERM');
      return done;
    },
  };
}

function runInstrumentedApp(url: string, env: Record<string, string> = {}): Promise<AppResult> {
  return runApp({
    args: ['--require', 'sprintlens/register', '-e', APP],
    env: { SPRINTLENS_ENDPOINT: url, OTEL_SERVICE_NAME: SERVICE, LLM_URL: llm.url, ...env },
  });
}

type Line = Record<string, unknown> & { type: string };

function dataLines(path: string): Line[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Line);
}

function attributesOf(line: Line): Record<string, unknown> {
  return (line.attributes ?? {}) as Record<string, unknown>;
}

describe('sprintlens dev-backend', () => {
  it('receives a real app, writes the data file, serves the summary and prints it at exit', async () => {
    const backend = await startDevBackend('plain', ['--budget-per-minute', '100']);
    expect(backend.stdout()).toContain(`SPRINTLENS_ENDPOINT=${backend.url}`);
    expect(backend.stdout()).toContain(`data file:   ${backend.dataFile}`);

    const app = await runInstrumentedApp(backend.url);
    expect(app.stderr).toBe('');
    expect(app.code).toBe(0);
    expect(app.stdout).toContain('app done');

    const response = await fetch(`${backend.url}/v1/dev/summary`);
    expect(response.status).toBe(200);
    const summary = (await response.json()) as DevSummarySnapshot;
    expect(summary.llm.models).toEqual([
      expect.objectContaining({ provider: 'openai', model: 'gpt-4o-mini', calls: 3, errors: 1 }),
    ]);
    expect(summary.llm.inputTokens).toBeGreaterThan(0);
    expect(summary.llm.costUsd).toBeGreaterThan(0);
    expect(summary.llm.models[0]?.latencyMs.count).toBe(3);
    // The rate-limited call: its LLM span and, under it, the SDK's HTTP request (status 429).
    expect(summary.errors.types).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ count: 1, lastSpanName: 'chat gpt-4o-mini' }),
        expect.objectContaining({ count: 1, errorType: '429', lastSpanName: 'POST' }),
      ]),
    );
    expect(summary.errors.types).toHaveLength(2);
    // Logs are sampled by the SDK; the sample rates let the backend estimate the real count.
    const info = summary.logs.bySeverity.INFO;
    expect(info.received).toBeGreaterThan(0);
    expect(info.received).toBeLessThan(INFO_LINES);
    expect(info.estimated).toBeGreaterThan(info.received);
    expect(summary.logs.bySeverity.ERROR).toEqual({ received: 1, estimated: 1 });
    expect(summary.logs.patterns).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ template: 'user <*> logged in', severity: 'INFO' }),
        expect.objectContaining({ template: 'payment failed for order <*>', received: 1 }),
      ]),
    );
    // The shutdown pattern report made the noisy pattern's policy.
    expect(summary.sampling.patternReports).toBe(1);
    expect(summary.sampling.policyRequests).toBeGreaterThanOrEqual(1);
    expect(summary.sampling.policies).toEqual([
      expect.objectContaining({ service: SERVICE, version: 'patterns-1', patternRates: 1 }),
    ]);
    const policy = await fetch(`${backend.url}/v1/sampling/policy?service.name=${SERVICE}`);
    const served = (await policy.json()) as { patternRates: Record<string, number> };
    expect(Object.values(served.patternRates)[0]).toBeLessThan(1);

    const stopped = await backend.stop();
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain('SIGTERM, stopping');
    expect(stopped.stdout).toContain('== sprintlens dev-backend final summary');
    expect(stopped.stdout).toMatch(/openai\s+gpt-4o-mini\s+3\s+1\s/);
    expect(stopped.stdout).toMatch(/user <\*> logged in\s+INFO\s+\d+\s+\d+/);
    expect(stopped.stdout).toContain(`policy for ${SERVICE}: patterns-1 (1 pattern rate`);

    const lines = dataLines(backend.dataFile);
    const ofType = (type: string) => lines.filter((line) => line.type === type);
    expect(lines[0]).toMatchObject({ type: 'start', url: backend.url, budgetPerMinute: 100 });
    expect(lines.at(-1)).toMatchObject({ type: 'stop', summary: { llm: { calls: 3 } } });
    const spans = ofType('span');
    const llmSpans = spans.filter((line) => attributesOf(line)['gen_ai.request.model']);
    expect(llmSpans).toHaveLength(3);
    expect(spans.map((line) => line.name)).toContain('checkout');
    for (const line of spans) {
      expect(line.resource).toMatchObject({ 'service.name': SERVICE });
      expect(line.traceId).toMatch(/^[0-9a-f]{32}$/);
    }
    const cost = llmSpans.reduce(
      (sum, line) => sum + Number(attributesOf(line)['sprintlens.cost.usd'] ?? 0),
      0,
    );
    expect(cost).toBeCloseTo(summary.llm.costUsd, 12);
    const logLines = ofType('log');
    expect(logLines).toHaveLength(summary.logs.total);
    expect(logLines.every((line) => attributesOf(line)['sprintlens.pattern.id'])).toBe(true);
    expect(ofType('pattern_report')).toEqual([
      expect.objectContaining({
        service: SERVICE,
        patterns: expect.arrayContaining([expect.objectContaining({ count: INFO_LINES })]),
      }),
    ]);
    expect(ofType('policy')).toHaveLength(1);
    expect(ofType('policy_request').length).toBeGreaterThanOrEqual(1);
    expect(ofType('request').every((line) => [200, 202, 304].includes(line.status as number))).toBe(
      true,
    );
  });

  it('with a 503 fault flag, the app still delivers every span and log record', async () => {
    // A seed whose first two draws fail, so faults certainly hit the first requests, and
    // with no run of three failures after that: the app's circuit breaker opens after five
    // failures in a row, which would be a different test.
    const seedFor = (): number => {
      for (let seed = 1; ; seed++) {
        const random = createRandom(seed);
        const fails = Array.from({ length: 60 }, () => random() < 0.5);
        if (fails[0] && fails[1] && !fails.join().includes('true,true,true')) return seed;
      }
    };
    const seed = seedFor();
    const backend = await startDevBackend('faults', [
      '--fault-status-ratio',
      '503:0.5',
      '--fault-routes',
      'traces,logs',
      '--fault-retry-after',
      '0',
      '--seed',
      String(seed),
      '--quiet',
    ]);
    expect(backend.stdout()).toContain(`answer 503 to 50% of requests (seed ${seed})`);
    expect(backend.stdout()).toContain('Retry-After: 0');

    // Sampling off: every line is exported, so "everything" is exactly countable.
    const app = await runInstrumentedApp(backend.url, { SPRINTLENS_LOG_SAMPLING: 'off' });
    expect(app.code).toBe(0);
    const stopped = await backend.stop();
    expect(stopped.code).toBe(0);

    const lines = dataLines(backend.dataFile);
    const requests = lines.filter((line) => line.type === 'request');
    const faulted = requests.filter((line) => line.fault === 'random-failure');
    expect(faulted.length).toBeGreaterThanOrEqual(2);
    expect(faulted.every((line) => line.status === 503)).toBe(true);

    const spans = lines.filter((line) => line.type === 'span');
    expect(spans.filter((line) => attributesOf(line)['gen_ai.request.model'])).toHaveLength(3);
    expect(spans.map((line) => line.name)).toContain('checkout');
    expect(new Set(spans.map((line) => line.spanId)).size).toBe(spans.length);
    const bodies = lines.filter((line) => line.type === 'log').map((line) => line.body);
    expect(bodies).toHaveLength(INFO_LINES + 1);
    expect(new Set(bodies).size).toBe(INFO_LINES + 1);

    const summary = lines.at(-1)?.summary as DevSummarySnapshot;
    expect(summary.requests.faults['random-failure']).toBe(faulted.length);
    expect(stopped.stdout).toContain(`injected faults: random-failure x${faulted.length}`);
    // --quiet: no periodic summary, only the final one.
    expect(stopped.stdout.match(/== sprintlens dev-backend/g)).toHaveLength(1);
  });
});
