import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version';
import { refusedUrl } from '../support/blackhole';
import { OtlpReceiver } from '../support/otlp-receiver';
import { REPO_ROOT, runApp } from '../support/spawn-app';
import type { AppResult } from '../support/spawn-app';

const CLI = join(REPO_ROOT, 'dist/src/cli/main.js');
const receiver = new OtlpReceiver();
let appDir = '';
let rejecting: Server;
let rejectingUrl = '';

beforeAll(async () => {
  await receiver.start();
  // An app directory with an instrumented package installed, to check version detection.
  appDir = mkdtempSync(join(tmpdir(), 'sprintlens-doctor-'));
  mkdirSync(join(appDir, 'node_modules/pino'), { recursive: true });
  writeFileSync(
    join(appDir, 'node_modules/pino/package.json'),
    '{"name":"pino","version":"9.9.9"}',
  );
  // A server that rejects every key, as a backend does with a wrong one.
  rejecting = createServer((req, res) => {
    req.resume();
    res.writeHead(401).end();
  });
  await new Promise<void>((resolve) => rejecting.listen(0, '127.0.0.1', resolve));
  const address = rejecting.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  rejectingUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  rmSync(appDir, { recursive: true, force: true });
  await new Promise<void>((resolve) => rejecting.close(() => resolve()));
  await receiver.close();
});

function cli(args: string[], env: Record<string, string> = {}): Promise<AppResult> {
  return runApp({ args: [CLI, ...args], env, cwd: appDir });
}

describe('sprintlens CLI', () => {
  it('--version prints the version', async () => {
    const result = await cli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
  });

  it('an unknown command prints usage and exits 2', async () => {
    const result = await cli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: sprintlens');
  });

  it('doctor: all good against a live receiver, with installed packages and their versions', async () => {
    const result = await cli(['doctor'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    expect(result.stdout).toContain('Configuration warnings: none');
    expect(result.stdout).toContain(`${receiver.url}/v1/traces`);
    expect(result.stdout).toMatch(/ok: answered \d+ to an empty OTLP request/);
    expect(result.stdout).toMatch(/pino\s+.*pino 9\.9\.9/);
    expect(result.stdout).toMatch(/winston\s+.*winston not installed/);
    expect(result.stdout).toContain('All good.');
    expect(result.code).toBe(0);
  });

  it('doctor: lists every warning with its code, never a secret, and exits 1', async () => {
    const result = await cli(['doctor'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=hdr-secret-1,broken',
      OTEL_TRACES_SAMPLER: 'sometimes',
      SPRINTLENS_API_KEY: 'key-secret-2',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('SL_CONFIG_INVALID_HEADERS');
    expect(result.stdout).toContain('SL_CONFIG_INVALID_ENUM');
    expect(result.stdout).toContain('SL_CONFIG_API_KEY_WITHOUT_ENDPOINT');
    expect(result.stdout + result.stderr).not.toContain('hdr-secret-1');
    expect(result.stdout + result.stderr).not.toContain('key-secret-2');
  });

  it('doctor: an unreachable endpoint is a problem with its code', async () => {
    const result = await cli(['doctor', '--timeout', '2000'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: await refusedUrl(),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('SL_DOCTOR_ENDPOINT_UNREACHABLE');
    expect(result.stdout).toContain('ECONNREFUSED');
  });

  it('doctor: a rejected API key is an auth problem, and the key is not printed', async () => {
    const result = await cli(['doctor'], {
      SPRINTLENS_ENDPOINT: rejectingUrl,
      SPRINTLENS_API_KEY: 'wrong-key-3',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('SL_AUTH_REJECTED');
    expect(result.stdout).toContain('backend mode');
    expect(result.stdout).not.toContain('wrong-key-3');
  });

  it('doctor: with OTEL_SDK_DISABLED the endpoint is not probed', async () => {
    const before = receiver.requests.length;
    const result = await cli(['doctor'], {
      OTEL_SDK_DISABLED: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('OTEL_SDK_DISABLED is true');
    expect(receiver.requests.length).toBe(before);
  });
});
