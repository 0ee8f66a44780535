import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PriceBook, SHIPPED_PRICES } from '../../instrumentations/genai';
import { VERSION } from '../../src/base/version';
import { startBackend } from '../support/backend';
import type { Backend } from '../support/backend';
import { startLlmServer, USAGE } from '../support/llm-server';
import type { LlmServer } from '../support/llm-server';
import { freePort } from '../support/ports';
import { PrometheusServer, requirePrometheusTool } from '../support/prometheus';
import type { PromSample } from '../support/prometheus';
import { runApp } from '../support/spawn-app';

const MODEL = 'gpt-4o-2024-08-06';

/**
 * The instrumented app, run with `node --require sprintlens/register -e` from the fixture apps
 * folder (where `openai`, `pino` and `sprintlens` resolve): one chat completion against the
 * local OpenAI-format server, a few pino lines (one ERROR), a flush, then `ready` on stdout and
 * idle until SIGTERM.
 */
const APP = `
const OpenAI = require('openai');
const pino = require('pino');
const { start } = require('sprintlens');
(async () => {
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: process.env.LLM_URL + '/v1', maxRetries: 0 });
  const logger = pino({}, pino.destination({ dest: '/dev/null', sync: true }));
  const answer = await client.chat.completions.create({
    model: '${MODEL}',
    messages: [{ role: 'user', content: 'Say hello.' }],
  });
  logger.info({ id: answer.id }, 'llm answered');
  for (let i = 0; i < 5; i++) logger.info('tick %d', i);
  logger.error('one error line');
  await start().forceFlush();
  process.stdout.write('ready\\n');
  setInterval(() => {}, 1000);
})().catch((error) => {
  process.stderr.write('app failed: ' + (error && error.stack) + '\\n');
  process.exit(1);
});
`;

/** The one value of an instant query, or `undefined` when it has no sample. */
function only(samples: PromSample[]): number | undefined {
  if (samples.length > 1) throw new Error(`expected one sample, got ${JSON.stringify(samples)}`);
  return samples[0]?.value;
}

interface Observed {
  up?: number | undefined;
  buildInfo: PromSample[];
  results: Map<string, PromSample[]>;
  exposition: string;
  health?: { status: number; body: unknown };
}

// A real Prometheus (Debian's package; .ci/run installs it) scraping an instrumented app that
// calls an LLM, logs through pino and exports to the reference backend.
describe('scraped by a real Prometheus', () => {
  it('LLM, exporter and sampler series are queryable with the expected values; promtool accepts the exposition', async () => {
    // Fails (never skips) without Debian's prometheus package, saying so.
    requirePrometheusTool('prometheus');
    requirePrometheusTool('promtool');
    const port = await freePort();
    const prometheus = new PrometheusServer([`127.0.0.1:${port}`]);
    let backend: Backend | undefined;
    let llm: LlmServer | undefined;
    const observed: Observed = { buildInfo: [], results: new Map(), exposition: '' };
    const queries = {
      calls: `sprintlens_llm_calls_total{provider="openai",operation="chat",model="${MODEL}"}`,
      // No error series at all (they appear with the first error).
      errors: 'count(sprintlens_llm_errors_total) or vector(0)',
      input: `sprintlens_llm_tokens_total{model="${MODEL}",type="input"}`,
      output: `sprintlens_llm_tokens_total{model="${MODEL}",type="output"}`,
      cacheRead: `sprintlens_llm_tokens_total{model="${MODEL}",type="cache_read"}`,
      cost: `sprintlens_llm_cost_usd_total{model="${MODEL}"}`,
      deliveredTraces: 'sprintlens_exporter_delivered_records_total{signal="traces"}',
      deliveredLogs: 'sprintlens_exporter_delivered_records_total{signal="logs"}',
      dropped: 'sum(sprintlens_exporter_dropped_records_total)',
      dropSeries: 'count(sprintlens_exporter_dropped_records_total{signal="logs"})',
      queueMaxBytes: 'sprintlens_exporter_queue_max_bytes{signal="logs"}',
      queuedBytes: 'sprintlens_exporter_queued_bytes{signal="logs"}',
      circuit: 'max(sprintlens_exporter_circuit_state)',
      sinceSuccess: 'time() - sprintlens_exporter_last_success_timestamp_seconds{signal="logs"}',
      seenError: 'sprintlens_log_sampler_records_seen_total{severity="ERROR"}',
      keptError: 'sprintlens_log_sampler_records_kept_total{severity="ERROR"}',
      seenInfo: 'sprintlens_log_sampler_records_seen_total{severity="INFO"}',
      policy: 'sprintlens_log_sampler_policy_info{version="default"}',
      policyAge: 'sprintlens_log_sampler_policy_age_seconds',
      policyRefresh: 'sprintlens_log_sampler_policy_refresh_seconds',
    } as const;
    try {
      [backend, llm] = await Promise.all([startBackend(), startLlmServer(), prometheus.start()]);
      const result = await runApp({
        args: ['--require', 'sprintlens/register', '-e', APP],
        env: {
          SPRINTLENS_METRICS_PORT: String(port),
          SPRINTLENS_ENDPOINT: backend.url,
          LLM_URL: llm.url,
          OTEL_SERVICE_NAME: 'prometheus-e2e',
          SPRINTLENS_SHUTDOWN_TIMEOUT_MS: '1000',
        },
        killAfterMillis: 45_000,
        onSpawn: (child) => {
          child.stdout?.once('data', () => {
            void (async () => {
              try {
                const base = `http://127.0.0.1:${port}`;
                observed.exposition = await (await fetch(`${base}/metrics`)).text();
                const health = await fetch(`${base}/healthz`);
                observed.health = { status: health.status, body: await health.json() };
                // A scrape taken after the flush: the delivered logs are in it.
                await prometheus.waitFor(
                  async () => ((await prometheus.query(queries.deliveredLogs))[0]?.value ?? 0) > 0,
                  30_000,
                );
                observed.up = only(await prometheus.query('up{job="app"}'));
                observed.buildInfo = await prometheus.query('sprintlens_build_info');
                for (const [key, expression] of Object.entries(queries)) {
                  observed.results.set(key, await prometheus.query(expression));
                }
              } finally {
                child.kill('SIGTERM');
              }
            })();
          });
        },
      });
      expect(result.signal, result.stderr).toBe('SIGTERM');
    } finally {
      await Promise.all([prometheus.stop(), backend?.close(), llm?.close()]);
    }
    const value = (key: keyof typeof queries): number | undefined =>
      only(observed.results.get(key) ?? []);

    expect(observed.up).toBe(1);
    expect(observed.buildInfo).toHaveLength(1);
    expect(observed.buildInfo[0]).toMatchObject({
      value: 1,
      metric: { version: VERSION, nodejs_version: process.versions.node },
    });

    // LLM usage: one call, the server's usage, the shipped price of gpt-4o.
    expect(value('calls')).toBe(1);
    expect(value('errors')).toBe(0);
    expect(value('input')).toBe(USAGE.prompt_tokens);
    expect(value('output')).toBe(USAGE.completion_tokens);
    expect(value('cacheRead')).toBe(USAGE.cached_tokens);
    const cost = new PriceBook([SHIPPED_PRICES]).cost(MODEL, {
      inputTokens: USAGE.prompt_tokens,
      outputTokens: USAGE.completion_tokens,
      cacheReadTokens: USAGE.cached_tokens,
    });
    expect(cost).toBeGreaterThan(0);
    expect(value('cost')).toBeCloseTo(cost as number, 12);

    // Exporter: delivered to the backend, nothing dropped, every drop reason present at 0.
    expect(value('deliveredTraces')).toBeGreaterThan(0);
    expect(value('deliveredLogs')).toBeGreaterThan(0);
    expect(value('dropped')).toBe(0);
    expect(value('dropSeries')).toBe(11);
    expect(value('queueMaxBytes')).toBe(64 * 1024 * 1024);
    expect(value('queuedBytes')).toBe(0);
    expect(value('circuit')).toBe(0);
    expect(value('sinceSuccess')).toBeLessThan(60);

    // Sampler: the ERROR line seen and kept; the backend's policy in force.
    expect(value('seenError')).toBe(1);
    expect(value('keptError')).toBe(1);
    expect(value('seenInfo')).toBe(6);
    expect(value('policy')).toBe(1);
    expect(value('policyAge')).toBeLessThan(60);
    expect(value('policyRefresh')).toBe(300);

    // /healthz of the same app: every part registered and ok.
    expect(observed.health?.status).toBe(200);
    expect(observed.health?.body).toMatchObject({
      status: 'ok',
      healthy: true,
      checks: {
        exporter_traces: { status: 'ok' },
        exporter_logs: { status: 'ok' },
        exporter_metrics: { status: 'ok' },
        sampling_policy: { status: 'ok', details: { version: 'default', refreshSeconds: 300 } },
      },
    });

    // promtool lints the exposition format and the naming conventions.
    expect(observed.exposition).toContain('sprintlens_llm_calls_total{');
    expect(() =>
      execFileSync('promtool', ['check', 'metrics'], { input: observed.exposition }),
    ).not.toThrow();
  });
});
