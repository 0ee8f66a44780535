import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version';
import { freePort } from '../support/ports';
import { PrometheusServer } from '../support/prometheus';
import { runApp } from '../support/spawn-app';

// A real Prometheus (Debian's package; .ci/run installs it) scraping an instrumented app.
describe('scraped by a real Prometheus', () => {
  it('the app’s /metrics is scraped and our series are queryable; promtool accepts the exposition', async () => {
    const port = await freePort();
    const prometheus = new PrometheusServer([`127.0.0.1:${port}`]);
    let exposition = '';
    let up: number | undefined;
    let buildInfo: Awaited<ReturnType<PrometheusServer['query']>> = [];
    try {
      await prometheus.start();
      const result = await runApp({
        args: ['--require', 'sprintlens/register', 'metrics-server.cjs'],
        env: {
          SPRINTLENS_METRICS_PORT: String(port),
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
          SPRINTLENS_SHUTDOWN_TIMEOUT_MS: '500',
        },
        killAfterMillis: 40_000,
        onSpawn: (child) => {
          child.stdout?.once('data', () => {
            void (async () => {
              try {
                exposition = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
                await prometheus.waitFor(
                  async () => (await prometheus.query('up{job="app"}'))[0]?.value === 1,
                  30_000,
                );
                up = (await prometheus.query('up{job="app"}'))[0]?.value;
                buildInfo = await prometheus.query('sprintlens_build_info');
              } finally {
                child.kill('SIGTERM');
              }
            })();
          });
        },
      });
      expect(result.signal).toBe('SIGTERM');
    } finally {
      await prometheus.stop();
    }
    expect(up).toBe(1);
    expect(buildInfo).toHaveLength(1);
    expect(buildInfo[0]).toMatchObject({
      value: 1,
      metric: { version: VERSION, nodejs_version: process.versions.node },
    });
    // promtool lints the exposition format and the naming conventions.
    expect(() =>
      execFileSync('promtool', ['check', 'metrics'], { input: exposition }),
    ).not.toThrow();
  });
});
