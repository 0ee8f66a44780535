import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/ports';
import { runApp } from '../support/spawn-app';

describe('SPRINTLENS_METRICS_PORT', () => {
  it('serves /metrics and /healthz on 127.0.0.1 while the app runs, and lets it exit', async () => {
    const port = await freePort();
    const answers: {
      metrics?: Response;
      metricsText?: string;
      health?: Response;
      healthBody?: unknown;
      missing?: number;
    } = {};
    const result = await runApp({
      args: ['--require', 'sprintlens/register', 'metrics-server.cjs'],
      env: {
        SPRINTLENS_METRICS_PORT: String(port),
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
        SPRINTLENS_SHUTDOWN_TIMEOUT_MS: '500',
      },
      onSpawn: (child) => {
        child.stdout?.once('data', () => {
          void (async () => {
            try {
              answers.metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
              answers.metricsText = await answers.metrics.text();
              answers.health = await fetch(`http://127.0.0.1:${port}/healthz`);
              answers.healthBody = await answers.health.json();
              answers.missing = (await fetch(`http://127.0.0.1:${port}/nope`)).status;
            } finally {
              child.kill('SIGTERM');
            }
          })();
        });
      },
    });
    expect(result.signal).toBe('SIGTERM');
    expect(answers.metrics?.status).toBe(200);
    expect(answers.metrics?.headers.get('content-type')).toContain('text/plain');
    expect(typeof answers.metricsText).toBe('string');
    expect(answers.health?.status).toBe(200);
    expect(answers.healthBody).toMatchObject({ status: 'ok', healthy: true });
    expect(answers.missing).toBe(404);
  });

  it('a taken port is reported with its code and the app runs on', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    try {
      const result = await runApp({
        args: ['--require', 'sprintlens/register', 'basic.cjs'],
        env: {
          SPRINTLENS_METRICS_PORT: String(address.port),
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
          SPRINTLENS_SHUTDOWN_TIMEOUT_MS: '500',
        },
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('app done');
      expect(result.stderr).toContain('SL_METRICS_SERVER_FAILED');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
