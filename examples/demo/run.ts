/**
 * `npm run demo`: the whole product in one command, offline, with no API keys.
 *
 * 1. starts `sprintlens dev-backend` (a child process, on a free port, with a burst of 503s
 *    on the export routes),
 * 2. starts a local server speaking the OpenAI and Anthropic wire formats,
 * 3. runs examples/demo/app.cjs under `node --require sprintlens/register`,
 * 4. stops the backend cleanly and prints what arrived, next to what the app did.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startLlmServer } from '../../test/support/llm-server';
import type { DevSummarySnapshot } from '../../dev-backend/summary';

/** The repository root (this file runs from examples/demo/.build/examples/demo/). */
const ROOT = resolve(__dirname, '../../../../..');
const CLI = join(ROOT, 'dist/src/cli/main.js');
const APP = join(ROOT, 'examples/demo/app.cjs');
/** Export requests answered 503 before the backend recovers: the exporter must retry them. */
const BURST_OF_503 = ['503', '503', '503', '503', '503', '503'];
const SEVERITIES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;

/** What app.cjs writes to DEMO_REPORT. */
interface AppReport {
  written: Record<(typeof SEVERITIES)[number], number>;
  retries: number;
  dropped: number;
  delivered: number;
  received: number;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'sprintlens-demo-'));
  const dataFile = join(work, 'sprintlens-demo-data.jsonl');
  const reportFile = join(work, 'app-report.json');
  const logFile = join(work, 'app.log');

  const llm = await startLlmServer();
  const backend = await startDevBackend([
    '--port',
    '0',
    '--data-file',
    dataFile,
    '--quiet',
    '--budget-per-minute',
    '300',
    '--fault-status-sequence',
    BURST_OF_503.join(','),
    '--fault-routes',
    'traces,logs',
  ]);
  step(`dev backend on ${backend.url}, LLM server on ${llm.url}`);

  try {
    step('running examples/demo/app.cjs under node --require sprintlens/register …');
    const app = await run(
      process.execPath,
      ['--require', 'sprintlens/register', APP],
      {
        ...cleanEnv(),
        SPRINTLENS_ENDPOINT: backend.url,
        SPRINTLENS_API_KEY: 'demo-key',
        OTEL_SERVICE_NAME: 'demo-assistant',
        SPRINTLENS_ENVIRONMENT: 'demo',
        DEMO_LLM_URL: llm.url,
        DEMO_REPORT: reportFile,
        DEMO_LOG_FILE: logFile,
      },
      ROOT,
    );
    if (app.code !== 0) throw new Error(`the demo app failed (exit ${app.code}):\n${app.stderr}`);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as AppReport;
    const summary = await fetchSummary(backend.url);
    await backend.stop();
    print({ report, summary, dataFile, logFile });
    if (report.dropped !== 0) process.exitCode = 1;
  } finally {
    await backend.stop();
    await llm.close();
  }
}

interface DevBackend {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts the CLI and waits for its `listening on <url>` line. */
function startDevBackend(flags: string[]): Promise<DevBackend> {
  const child = spawn(process.execPath, [CLI, 'dev-backend', ...flags], {
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    }));
  return new Promise((resolvePromise, reject) => {
    let out = '';
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1] !== undefined) resolvePromise({ url: match[1], stop });
    });
    child.once('exit', (code) => reject(new Error(`dev-backend exited (${code}): ${err}`)));
    child.once('error', reject);
  });
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child: ChildProcess = spawn(command, args, {
      env,
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout?.resume();
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stderr }));
  });
}

/** The environment without telemetry settings of the shell the demo is run from. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(OTEL_|SPRINTLENS_|NODE_OPTIONS$)/.test(key)) env[key] = value;
  }
  return env;
}

async function fetchSummary(url: string): Promise<DevSummarySnapshot> {
  const response = await fetch(`${url}/v1/dev/summary`, {
    headers: { authorization: 'Bearer demo-key' },
  });
  if (!response.ok) throw new Error(`/v1/dev/summary answered ${response.status}`);
  return (await response.json()) as DevSummarySnapshot;
}

function step(text: string): void {
  process.stdout.write(`» ${text}\n`);
}

const num = (n: number): string => Math.round(n).toLocaleString('en-US');

/** A plain-text table with the first column left-aligned and the others right-aligned. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    '  ' +
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

function print(input: {
  report: AppReport;
  summary: DevSummarySnapshot;
  dataFile: string;
  logFile: string;
}): void {
  const { report, summary } = input;
  const out: string[] = ['', 'sprintlens demo — what the backend received', ''];

  out.push('LLM spans by model');
  out.push(
    table(
      ['provider / model', 'calls', 'errors', 'input tok', 'output tok', 'cost USD', 'p95 ms'],
      summary.llm.models.map((m) => [
        `${m.provider} / ${m.model}`,
        num(m.calls),
        num(m.errors),
        num(m.inputTokens),
        num(m.outputTokens),
        m.costUsd.toFixed(6),
        num(m.latencyMs.p95),
      ]),
    ),
  );
  out.push(
    `  total: ${num(summary.llm.calls)} calls, ${num(summary.llm.errors)} failed, ` +
      `$${summary.llm.costUsd.toFixed(6)}`,
    '',
  );

  out.push('Log lines: written by the app vs exported after sampling');
  let written = 0;
  let exported = 0;
  const rows = SEVERITIES.map((severity) => {
    const w = report.written[severity];
    const e = summary.logs.bySeverity[severity]?.received ?? 0;
    written += w;
    exported += e;
    return [severity, num(w), num(e), saving(w, e)];
  });
  rows.push(['all', num(written), num(exported), saving(written, exported)]);
  out.push(table(['severity', 'written', 'exported', 'saving'], rows));
  out.push(
    '  every ERROR and FATAL line is kept; the rest is sampled by severity and by pattern,',
    '  with the first lines of every new pattern kept and noisy patterns held to a budget',
    '',
  );

  out.push('Top log patterns');
  out.push(
    table(
      ['template', 'severity', 'exported', 'estimated'],
      summary.logs.patterns
        .slice(0, 8)
        .map((p) => [p.template.slice(0, 60), p.severity, num(p.received), num(p.estimated)]),
    ),
  );
  out.push(
    '  estimated: lines the backend extrapolates from sprintlens.sample_rate (unbiased, but',
    '  from few kept lines in a run of seconds: expect a wide error on noisy patterns)',
    '',
  );

  const faults = Object.values(summary.requests.faults).reduce((n, v) => n + v, 0);
  out.push('Delivery');
  out.push(`  backend faults injected: ${num(faults)} (a burst of 503s on traces and logs)`);
  out.push(`  exporter retries:        ${num(report.retries)}`);
  out.push(`  records delivered:       ${num(report.delivered)} of ${num(report.received)}`);
  out.push(`  records dropped:         ${num(report.dropped)} (expected 0)`);
  out.push(
    `  pattern reports: ${num(summary.sampling.patternReports)}, ` +
      `policy requests: ${num(summary.sampling.policyRequests)}`,
  );
  out.push('');
  out.push(`Everything the backend received: ${input.dataFile}`);
  out.push(`The app's own log output:        ${input.logFile}`);
  process.stdout.write(out.join('\n') + '\n');
}

function saving(written: number, exported: number): string {
  return written === 0 ? '' : `${(100 * (1 - exported / written)).toFixed(1)} %`;
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
