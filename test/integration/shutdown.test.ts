import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend } from '../support/backend';
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

describe('an endpoint where nothing answers does not make a short script wait', () => {
  // The default bound is 5 s; a refused endpoint must end the process long before it. The
  // limit is generous (start-up included): this checks the bound is not waited out, not speed.
  const FAST_LIMIT_MS = 2_500;

  function undeliveredLines(stderr: string): string[] {
    return stderr.split('\n').filter((line) => line.includes('SL_EXPORT_UNDELIVERED_AT_EXIT'));
  }

  it('refused, no spool: exits at once with one line counting what was dropped', async () => {
    const url = await refusedUrl();
    const result = await runApp({
      args: ['--require', 'sprintlens/register', 'basic.cjs'],
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: url },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('app done');
    expect(result.durationMillis).toBeLessThan(FAST_LIMIT_MS);
    expect(result.stderr).not.toContain('SL_SHUTDOWN_TIMEOUT');
    const lines = undeliveredLines(result.stderr);
    expect(lines).toHaveLength(1);
    // One span and one log record (basic.cjs), named per signal, in one line.
    expect(lines[0]).toContain('ECONNREFUSED');
    expect(lines[0]).toContain('1 span');
    expect(lines[0]).toContain('1 log record');
    expect(lines[0]).toContain('counted as dropped');
    expect(lines[0]).toContain('SPRINTLENS_SPOOL_DIR');
  });

  it('an unknown host: exits at once too', async () => {
    const result = await runApp({
      args: ['--require', 'sprintlens/register', 'basic.cjs'],
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://no-such-host.invalid:4318' },
    });
    expect(result.code).toBe(0);
    expect(result.durationMillis).toBeLessThan(FAST_LIMIT_MS);
    expect(undeliveredLines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it('refused, with a spool: exits at once, and the next process delivers what was spooled', async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), 'sprintlens-exit-spool-'));
    try {
      const first = await runApp({
        args: ['--require', 'sprintlens/register', 'basic.cjs'],
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: await refusedUrl(),
          OTEL_SERVICE_NAME: 'spooled-at-exit',
          SPRINTLENS_SPOOL_DIR: spoolDir,
        },
      });
      expect(first.code).toBe(0);
      expect(first.durationMillis).toBeLessThan(FAST_LIMIT_MS);
      const lines = undeliveredLines(first.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('written to the spool');
      expect(lines[0]).not.toContain('dropped');

      // The next process, with the endpoint back, sends the spooled span and log record.
      const second = await runApp({
        args: ['--require', 'sprintlens/register', 'long-running.cjs'],
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_SERVICE_NAME: 'spool-replayer',
          SPRINTLENS_SPOOL_DIR: spoolDir,
        },
        onSpawn: (child) => {
          void receiver
            .waitFor(
              () =>
                receiver.spansOf('spooled-at-exit').length === 1 &&
                receiver.logsOf('spooled-at-exit').length === 1,
            )
            .finally(() => child.kill('SIGTERM'));
        },
        killAfterMillis: 15_000,
      });
      expect(second.signal).toBe('SIGTERM');
      expect(receiver.spansOf('spooled-at-exit').map((s) => s.name)).toEqual(['cjs-work']);
      expect(receiver.logsOf('spooled-at-exit').map((l) => l.body)).toEqual(['hello from cjs']);
    } finally {
      rmSync(spoolDir, { recursive: true, force: true });
    }
  });

  it('a slow but live endpoint still gets the whole bound: delivered, no drop', async () => {
    const ANSWER_AFTER_MS = 1_500;
    const backend = await startBackend({ faults: { latency: { ms: ANSWER_AFTER_MS } } });
    try {
      const result = await runApp({
        args: ['--require', 'sprintlens/register', 'basic.cjs'],
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: backend.url, OTEL_SERVICE_NAME: 'slow-endpoint' },
      });
      expect(result.code).toBe(0);
      expect(result.durationMillis).toBeGreaterThanOrEqual(ANSWER_AFTER_MS);
      expect(result.stderr).not.toContain('SL_EXPORT_UNDELIVERED_AT_EXIT');
      expect(result.stderr).not.toContain('SL_SHUTDOWN_TIMEOUT');
      expect(backend.spans.map((s) => s.name)).toEqual(['cjs-work']);
      expect(backend.logRecords).toHaveLength(1);
    } finally {
      await backend.close();
    }
  });
});
