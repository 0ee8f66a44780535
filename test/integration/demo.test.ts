/**
 * `npm run demo` end to end: the runner (examples/demo/run.ts, compiled as the npm script does)
 * starts the dev backend and the LLM server, runs the demo app under --require, and prints a
 * summary. Its numbers must be the real ones: every LLM call, every ERROR line, no drop.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/spawn-app';

const RUNNER = join(REPO_ROOT, 'examples/demo/.build/examples/demo/run.js');

beforeAll(() => {
  execFileSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'examples/demo/tsconfig.json'],
    { cwd: REPO_ROOT, stdio: 'inherit' },
  );
});

/** The cells of the summary row that starts with `first`. */
function row(output: string, first: string): string[] {
  const line = output.split('\n').find((l) => l.trim().startsWith(first + ' '));
  if (line === undefined) throw new Error(`no row ${first} in:\n${output}`);
  return line.trim().split(/\s{2,}/);
}

describe('npm run demo', () => {
  it('runs offline and reports every call, every error line and no drop', () => {
    const env = { ...process.env };
    for (const key of Object.keys(env))
      if (/^(OTEL_|SPRINTLENS_|VITEST)/.test(key)) delete env[key];
    const result = spawnSync(process.execPath, [RUNNER], {
      cwd: REPO_ROOT,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const out = result.stdout;

    // Seven LLM calls on four models; the failed one is counted as such.
    expect(row(out, 'openai / gpt-4o')).toEqual(expect.arrayContaining(['3', '0']));
    expect(row(out, 'openai / gpt-4o-mini').slice(1, 3)).toEqual(['2', '1']);
    expect(row(out, 'anthropic / claude-sonnet-4-5')[1]).toBe('1');
    expect(row(out, 'openai / text-embedding-3-small')[1]).toBe('1');
    expect(out).toMatch(/total: 7 calls, 1 failed, \$0\.0\d+/);

    // ERROR and FATAL: written = exported. The noisy severities shrink.
    expect(row(out, 'ERROR').slice(1, 3)).toEqual(['11', '11']);
    expect(row(out, 'FATAL').slice(1, 3)).toEqual(['1', '1']);
    const [, written, exported] = row(out, 'TRACE');
    expect(Number(exported)).toBeLessThan(Number(written!.replace(/,/g, '')) / 10);

    // The burst of 503s was retried, nothing was lost.
    expect(out).toMatch(/backend faults injected: 6 /);
    expect(out).toMatch(/exporter retries: +[1-9]/);
    expect(out).toMatch(/records dropped: +0 \(expected 0\)/);
    const delivered = /records delivered: +([\d,]+) of ([\d,]+)/.exec(out);
    expect(delivered?.[1]).toBe(delivered?.[2]);

    // The data file holds what the summary counts.
    const dataFile = /Everything the backend received: (\S+)/.exec(out)?.[1];
    expect(dataFile !== undefined && existsSync(dataFile)).toBe(true);
    const lines = readFileSync(dataFile!, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { type: string; name?: string });
    const types = lines.map((l) => l.type);
    expect(types.filter((t) => t === 'span').length).toBeGreaterThan(400);
    expect(types).toContain('pattern_report');
    // The GenAI client metrics went out with the traces (flushed at shutdown).
    const metricNames = new Set(lines.filter((l) => l.type === 'metric').map((l) => l.name));
    expect(metricNames).toContain('gen_ai.client.token.usage');
    expect(metricNames).toContain('gen_ai.client.operation.duration');
    expect(types.at(-1)).toBe('stop');
    rmSync(dirname(dataFile!), { recursive: true, force: true });
  });
});
