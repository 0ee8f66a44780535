import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Blackhole, refusedUrl } from '../support/blackhole';
import { OtlpReceiver } from '../support/otlp-receiver';
import { linkPackageIntoApps, runApp } from '../support/spawn-app';
import type { AppResult } from '../support/spawn-app';

const receiver = new OtlpReceiver();
const blackhole = new Blackhole();

beforeAll(async () => {
  linkPackageIntoApps();
  await Promise.all([receiver.start(), blackhole.start()]);
});
afterAll(() => Promise.all([receiver.close(), blackhole.close()]));

/** Runs the server-like fixture and sends `signal` once it is ready. */
function runUntilSignal(signal: NodeJS.Signals, env: Record<string, string>): Promise<AppResult> {
  return runApp({
    args: ['--require', 'sprintlens/register', 'long-running.cjs'],
    env,
    onSpawn: (child) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) child.kill(signal);
      });
    },
  });
}

describe('flush on the way out', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s mid-run delivers the span, then the process dies by that signal as it would have',
    async (signal) => {
      const service = `signal-${signal}`;
      const result = await runUntilSignal(signal, {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: service,
      });
      expect(result.signal).toBe(signal);
      expect(result.code).toBeNull();
      // The span must have been delivered before the process died.
      expect(receiver.spansOf(service).map((s) => s.name)).toEqual(['before-signal']);
    },
  );

  it('an app with its own SIGTERM handler decides how it ends; we only flush', async () => {
    const service = 'signal-app-handler';
    const result = await runUntilSignal('SIGTERM', {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: service,
      FIXTURE_OWN_HANDLER: '1',
    });
    expect(result.stdout).toContain('app handled SIGTERM');
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    await receiver.waitFor(() => receiver.spansOf(service).length === 1);
  });

  it('a short script flushes on beforeExit and exits with code 0', async () => {
    const service = 'before-exit';
    const result = await runApp({
      args: ['--require', 'sprintlens/register', 'basic.cjs'],
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: service },
    });
    expect(result.code).toBe(0);
    // Delivered before exit, not eventually: nothing is left to send it afterwards.
    expect(receiver.spansOf(service)).toHaveLength(1);
  });
});

describe('a dead endpoint does not hold the process', () => {
  // The stock exporter's own request timeout is 10 s; a 1 s bound must end the process long
  // before that. The margins are generous: this checks the bound is enforced, not speed.
  const BOUND_MS = 1_000;
  const LIMIT_MS = 6_000;

  it('an endpoint that accepts and never answers: exit after the bound, with SL_SHUTDOWN_TIMEOUT', async () => {
    const result = await runApp({
      args: ['--require', 'sprintlens/register', 'basic.cjs'],
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: blackhole.url,
        SPRINTLENS_SHUTDOWN_TIMEOUT_MS: String(BOUND_MS),
      },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('app done');
    expect(result.stderr).toContain('SL_SHUTDOWN_TIMEOUT');
    expect(result.durationMillis).toBeGreaterThanOrEqual(BOUND_MS);
    expect(result.durationMillis).toBeLessThan(LIMIT_MS);
  });

  it('SIGTERM with a black-hole endpoint: dies by the signal after the bound', async () => {
    const result = await runUntilSignal('SIGTERM', {
      OTEL_EXPORTER_OTLP_ENDPOINT: blackhole.url,
      SPRINTLENS_SHUTDOWN_TIMEOUT_MS: String(BOUND_MS),
    });
    expect(result.signal).toBe('SIGTERM');
    expect(result.durationMillis).toBeLessThan(LIMIT_MS);
  });

  it('a refused endpoint: the app still exits with code 0 within the bound', async () => {
    const result = await runApp({
      args: ['--require', 'sprintlens/register', 'basic.cjs'],
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: await refusedUrl(),
        SPRINTLENS_SHUTDOWN_TIMEOUT_MS: String(BOUND_MS),
      },
    });
    expect(result.code).toBe(0);
    expect(result.durationMillis).toBeLessThan(LIMIT_MS);
  });
});
