import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';

/**
 * Throws, saying what to install, when `tool` (from Debian's `prometheus` package) is missing:
 * the tests that need it fail, never skip. .ci/run installs the package before the tests; the
 * test setup installs no system packages.
 */
export function requirePrometheusTool(tool: 'prometheus' | 'promtool'): void {
  const probe = spawnSync(tool, ['--version'], { stdio: 'ignore' });
  if (probe.error === undefined && probe.status === 0) return;
  const why = probe.error?.message ?? `\`${tool} --version\` exited with ${probe.status}`;
  throw new Error(
    `${tool} is needed by this test and is not installed: install Debian's prometheus package ` +
      `(apt-get install prometheus, as .ci/run does), which brings prometheus and promtool. (${why})`,
  );
}

/** One sample of an instant query. */
export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value: number;
}

/**
 * A real Prometheus server (Debian's `prometheus` binary) on 127.0.0.1, scraping the given
 * targets every second, with its data in a temporary directory removed on stop.
 */
export class PrometheusServer {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'sprintlens-prometheus-'));
  url = '';

  constructor(private readonly targets: readonly string[]) {}

  async start(): Promise<this> {
    requirePrometheusTool('prometheus');
    const port = await freePort();
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: app',
      '    static_configs:',
      `      - targets: [${this.targets.map((t) => `'${t}'`).join(', ')}]`,
    ].join('\n');
    writeFileSync(join(this.dir, 'prometheus.yml'), config);
    this.url = `http://127.0.0.1:${port}`;
    this.child = spawn(
      'prometheus',
      [
        `--config.file=${join(this.dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(this.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: 'ignore' },
    );
    await this.waitFor(async () => (await fetch(`${this.url}/-/ready`)).ok, 20_000);
    return this;
  }

  /** Instant query through the HTTP API. */
  async query(expression: string): Promise<PromSample[]> {
    const response = await fetch(
      `${this.url}/api/v1/query?query=${encodeURIComponent(expression)}`,
    );
    const body = (await response.json()) as {
      status: string;
      data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    if (body.status !== 'success' || !body.data) throw new Error(`query failed: ${expression}`);
    return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  /** Polls `check` until it is true; rejects after `timeoutMillis`. */
  async waitFor(check: () => Promise<boolean>, timeoutMillis = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMillis;
    for (;;) {
      try {
        if (await check()) return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for Prometheus');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
