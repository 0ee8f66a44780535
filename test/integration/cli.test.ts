import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/base/version';
import { Blackhole, refusedUrl } from '../support/blackhole';
import { OtlpReceiver } from '../support/otlp-receiver';
import { REPO_ROOT, runApp } from '../support/spawn-app';
import type { AppResult } from '../support/spawn-app';

const CLI = join(REPO_ROOT, 'dist/src/cli/main.js');
const receiver = new OtlpReceiver();
const blackhole = new Blackhole();
let appDir = '';
let rejecting: Server;
let rejectingUrl = '';

/** Credentials put in endpoint URLs: neither may ever show up in doctor's output. */
const USER = 'doctor-user-x7';
const PASSWORD = 'pa55-Zq9-secret';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

/** `http://USER:PASSWORD@host:port/path` from a URL without credentials. */
function withCredentials(url: string, path = ''): string {
  return `${new URL(url).origin.replace('//', `//${USER}:${PASSWORD}@`)}${path}`;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no address');
      resolve(`127.0.0.1:${address.port}`);
    }),
  );
}

function close(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

/** An app directory with the real openai and @anthropic-ai/sdk linked in, as npm link does. */
function makeApp(type: 'commonjs' | 'module'): string {
  const dir = mkdtempSync(join(tmpdir(), `sprintlens-doctor-${type}-`));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: `doctor-${type}-app`, version: '3.1.4', type }),
  );
  for (const name of ['openai', '@anthropic-ai/sdk']) {
    const link = join(dir, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules', name), link, 'dir');
  }
  return dir;
}

function versionOf(name: string): string {
  const manifest = join(REPO_ROOT, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

beforeAll(async () => {
  await receiver.start();
  await blackhole.start();
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
  rejectingUrl = `http://${await listen(rejecting)}`;
});
afterAll(async () => {
  rmSync(appDir, { recursive: true, force: true });
  await close(rejecting);
  await blackhole.close();
  await receiver.close();
});

function cli(
  args: string[],
  env: Record<string, string> = {},
  cwd: string = appDir,
): Promise<AppResult> {
  return runApp({ args: [CLI, ...args], env, cwd });
}

/** Runs doctor and checks that neither part of the URL credentials was printed. */
async function doctor(
  env: Record<string, string>,
  args: string[] = [],
  cwd: string = appDir,
): Promise<AppResult> {
  const result = await cli(['doctor', ...args], env, cwd);
  for (const output of [result.stdout, result.stderr]) {
    expect(output).not.toContain(PASSWORD);
    expect(output).not.toContain(USER);
  }
  return result;
}

describe('sprintlens CLI', () => {
  it('--version prints the version', async () => {
    const result = await cli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
  });

  // The output changed: one line naming the command and what was expected (as for a bad flag),
  // instead of that line followed by the whole usage.
  it('an unknown command is one coded line naming what was expected, exit 2', async () => {
    const result = await cli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'sprintlens: SL_CLI_INVALID_ARGUMENT frobnicate: unknown command (expected doctor, ' +
        'experiment, dev-backend, help or --version). Run `sprintlens help` for the commands.\n',
    );
  });

  it('doctor: all good against a live receiver, with installed packages and their versions', async () => {
    const result = await cli(['doctor'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    expect(result.stdout).toContain('Configuration warnings: none');
    expect(result.stdout).toContain(`${receiver.url}/v1/traces`);
    expect(result.stdout).toMatch(/ok: answered \d+ to an empty OTLP request/);
    expect(result.stdout).toMatch(/pino\s+.*pino 9\.9\.9 \(supported: >=9\.0\.0 <11\)/);
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
    expect(result.stdout).toContain('Check SPRINTLENS_API_KEY.');
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

describe('doctor: the installed SDKs, as the app resolves them', () => {
  const apps: Record<string, string> = {};
  beforeAll(() => {
    apps.commonjs = makeApp('commonjs');
    apps.module = makeApp('module');
  });
  afterAll(() => {
    for (const dir of Object.values(apps)) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['commonjs', 'module'])(
    'a "type": "%s" app: openai and @anthropic-ai/sdk with their versions',
    async (type) => {
      const dir = apps[type] as string;
      const result = await doctor({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }, [], dir);
      const openai = versionOf('openai');
      const anthropic = versionOf('@anthropic-ai/sdk');
      expect(result.stdout).toMatch(
        new RegExp(`openai +enabled +openai ${openai.replace(/\./g, '\\.')} \\(supported: `),
      );
      expect(result.stdout).toMatch(
        new RegExp(
          `anthropic +enabled +@anthropic-ai/sdk ${anthropic.replace(/\./g, '\\.')} \\(supported: `,
        ),
      );
      expect(result.stdout).not.toMatch(/openai not installed|sdk not installed/);
      // service.name and service.version come from the app's package.json, not sprintlens's.
      expect(result.stdout).toContain(`"serviceName": "doctor-${type}-app"`);
      expect(result.stdout).toContain('"serviceVersion": "3.1.4"');
      expect(result.code).toBe(0);
    },
  );
});

describe('doctor: URL credentials', () => {
  it.each(['OTEL_EXPORTER_OTLP_ENDPOINT', 'SPRINTLENS_ENDPOINT'])(
    '%s with user info: reachable, sent as Basic auth, never printed',
    async (variable) => {
      const before = receiver.requests.length;
      const result = await doctor({ [variable]: withCredentials(receiver.url) });
      expect(result.stdout).toContain(`: ${receiver.url.replace('//', '//REDACTED@')}/v1/traces\n`);
      expect(result.stdout).toContain('credentials: the user info in the URL, sent as HTTP Basic');
      expect(result.stdout).toMatch(/ok: answered (2\d\d|400) to an empty OTLP request/);
      expect(result.code).toBe(0);
      const probe = receiver.requests.slice(before).find((r) => r.path === '/v1/traces');
      expect(probe?.headers.authorization).toBe(BASIC);
      expect(probe?.headers['user-agent']).toBe(`sprintlens-node/${VERSION}`);
    },
  );

  it('an API key wins over the user info, and doctor says so', async () => {
    const before = receiver.requests.length;
    const result = await doctor({
      SPRINTLENS_ENDPOINT: withCredentials(receiver.url),
      SPRINTLENS_API_KEY: 'key-secret-4',
    });
    expect(result.stdout).toContain('the user info in the URL is not sent');
    expect(result.stdout).not.toContain('key-secret-4');
    const probe = receiver.requests.slice(before).find((r) => r.path === '/v1/traces');
    expect(probe?.headers.authorization).toBe('Bearer key-secret-4');
  });

  it.each(['OTEL_EXPORTER_OTLP_ENDPOINT', 'SPRINTLENS_ENDPOINT'])(
    '%s with user info on a failure path: refused, redacted',
    async (variable) => {
      const url = await refusedUrl();
      const result = await doctor({ [variable]: withCredentials(url) }, ['--timeout', '2000']);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(
        `SL_DOCTOR_ENDPOINT_UNREACHABLE The endpoint ${url.replace('//', '//REDACTED@')}/v1/traces`,
      );
      expect(result.stdout).toContain(`in ${variable}.`);
    },
  );

  it('an invalid URL with credentials is echoed redacted in its warning', async () => {
    const result = await doctor({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://${USER}:${PASSWORD}@127.0.0.1:99999`,
    });
    expect(result.stdout).toContain(
      'SL_CONFIG_INVALID_URL OTEL_EXPORTER_OTLP_ENDPOINT "http://REDACTED@127.0.0.1:99999"',
    );
  });
});

describe('doctor: each probe failure has its own cause', () => {
  let statusServer: Server;
  let statusHost = '';
  beforeAll(async () => {
    statusServer = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      const path = req.url ?? '';
      if (path === '/fail/v1/traces') res.writeHead(500);
      else if (path === '/plain-only/v1/traces') {
        res.writeHead(req.headers['content-encoding'] === undefined ? 200 : 415);
      } else if (path === '/json-only/v1/traces') {
        res.writeHead(req.headers['content-type'] === 'application/json' ? 200 : 415);
      } else res.writeHead(path === '/v1/traces' ? 200 : 404);
      res.end();
    });
    statusHost = await listen(statusServer);
  });
  afterAll(() => close(statusServer));

  async function problem(env: Record<string, string>, args: string[] = []): Promise<string> {
    const result = await doctor(env, args);
    expect(result.code).toBe(1);
    const line = result.stdout.split('\n').find((l) => l.startsWith('  problem: SL_'));
    expect(line, result.stdout).toBeDefined();
    return line as string;
  }

  it('connection refused', async () => {
    const line = await problem({
      OTEL_EXPORTER_OTLP_ENDPOINT: withCredentials(await refusedUrl()),
    });
    expect(line).toMatch(/SL_DOCTOR_ENDPOINT_UNREACHABLE .*connection refused \(ECONNREFUSED\)/);
    expect(line).toContain('Start the collector or backend');
  });

  it('a port that cannot be connected to', async () => {
    const line = await problem({
      OTEL_EXPORTER_OTLP_ENDPOINT: withCredentials('http://127.0.0.1:0'),
    });
    expect(line).toMatch(/SL_DOCTOR_ENDPOINT_UNREACHABLE .*port 0 cannot be connected to/);
  });

  it('a host name that does not resolve', async () => {
    const line = await problem({
      OTEL_EXPORTER_OTLP_ENDPOINT: withCredentials('http://collector.invalid:4318'),
    });
    expect(line).toMatch(/SL_DOCTOR_ENDPOINT_UNREACHABLE .*host name collector\.invalid/);
    expect(line).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it('no answer within --timeout', async () => {
    const started = Date.now();
    const line = await problem({ OTEL_EXPORTER_OTLP_ENDPOINT: withCredentials(blackhole.url) }, [
      '--timeout',
      '300',
    ]);
    expect(line).toMatch(/SL_DOCTOR_ENDPOINT_UNREACHABLE .*no answer within 300 ms \(ETIMEDOUT\)/);
    expect(line).toContain('raise --timeout');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('404: the wrong path (here /v1/traces twice)', async () => {
    const line = await problem({
      OTEL_EXPORTER_OTLP_ENDPOINT: withCredentials(`http://${statusHost}`, '/v1/traces'),
    });
    expect(line).toMatch(/SL_DOCTOR_ENDPOINT_REJECTED .* answered 404: no OTLP receiver at/);
    expect(line).toContain('/v1/traces twice');
  });

  it('500: the endpoint is failing', async () => {
    const line = await problem({
      OTEL_EXPORTER_OTLP_ENDPOINT: withCredentials(`http://${statusHost}`, '/fail'),
    });
    expect(line).toMatch(/SL_DOCTOR_ENDPOINT_REJECTED .* answered 500: the endpoint is failing/);
  });

  it('415: the wrong protocol, and the right one then works', async () => {
    const endpoint = withCredentials(`http://${statusHost}`, '/json-only');
    const line = await problem({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    expect(line).toMatch(/SL_DOCTOR_ENDPOINT_REJECTED .*does not take application\/x-protobuf/);
    expect(line).toContain('OTEL_EXPORTER_OTLP_PROTOCOL=http/json');
    const json = await doctor({
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    expect(json.stdout).toContain('ok: answered 200 to an empty OTLP request');
    expect(json.code).toBe(0);
  });

  it('415 to gzip: stepped down as the exporter does, and said so', async () => {
    const result = await doctor({
      OTEL_EXPORTER_OTLP_ENDPOINT: withCredentials(`http://${statusHost}`, '/plain-only'),
      SPRINTLENS_COMPRESSION: 'gzip',
    });
    expect(result.stdout).toContain(
      'ok: answered 200 to an empty OTLP request (it refused gzip (415): the exporter steps ' +
        'down the same way, to no compression',
    );
    expect(result.code).toBe(0);
  });

  describe('TLS', () => {
    let tls: Server | undefined;
    let tlsHost = '';
    let certFile = '';
    let dir = '';
    let haveOpenssl = true;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'sprintlens-doctor-tls-'));
      certFile = join(dir, 'cert.pem');
      const keyFile = join(dir, 'key.pem');
      try {
        // A self-signed certificate made now, valid for 127.0.0.1 and usable as its own CA.
        execFileSync(
          'openssl',
          [
            ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'],
            ...['-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2'],
            ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
            ...['-addext', 'basicConstraints=critical,CA:TRUE'],
          ],
          { stdio: 'ignore' },
        );
      } catch {
        haveOpenssl = false;
        return;
      }
      tls = createTlsServer(
        { key: readFileSync(keyFile), cert: readFileSync(certFile) },
        (req, res) => {
          req.resume();
          res.writeHead(200).end();
        },
      );
      tlsHost = await listen(tls);
    });
    afterAll(async () => {
      await close(tls);
      rmSync(dir, { recursive: true, force: true });
    });

    it('a self-signed certificate: named, with NODE_EXTRA_CA_CERTS as the fix', async (context) => {
      if (!haveOpenssl) context.skip('openssl is not installed: see test/unit/cli/probe.test.ts');
      const line = await problem({
        OTEL_EXPORTER_OTLP_ENDPOINT: withCredentials(`https://${tlsHost}`),
      });
      expect(line).toMatch(
        /SL_DOCTOR_ENDPOINT_UNREACHABLE .*TLS certificate .* rejected \(DEPTH_ZERO_SELF_SIGNED_CERT/,
      );
      expect(line).toContain('NODE_EXTRA_CA_CERTS');
      // The fix works: the same setup, with the certificate trusted.
      const trusted = await doctor({
        OTEL_EXPORTER_OTLP_ENDPOINT: withCredentials(`https://${tlsHost}`),
        NODE_EXTRA_CA_CERTS: certFile,
      });
      expect(trusted.stdout).toContain('ok: answered 200 to an empty OTLP request');
      expect(trusted.code).toBe(0);
    });

    it('http:// to a TLS port: the connection is reset, try https://', async (context) => {
      if (!haveOpenssl) context.skip('openssl is not installed');
      const line = await problem({
        OTEL_EXPORTER_OTLP_ENDPOINT: withCredentials(`http://${tlsHost}`),
      });
      expect(line).toMatch(/SL_DOCTOR_ENDPOINT_UNREACHABLE .*closed the connection/);
      expect(line).toContain('try https://');
    });
  });
});

describe('arguments: one behaviour for every command', () => {
  it.each([
    [['doctor', '--bogus'], 'doctor', 'SL_CLI_INVALID_ARGUMENT --bogus: unknown flag'],
    [
      ['doctor', '--timeout', 'abc'],
      'doctor',
      'SL_CLI_INVALID_ARGUMENT --timeout: "abc" is not a number of milliseconds (1..600000)',
    ],
    [['doctor', '--timeout'], 'doctor', 'SL_CLI_INVALID_ARGUMENT --timeout: needs a value'],
    [
      ['dev-backend', '--bogus'],
      'dev-backend',
      'SL_DEV_BACKEND_INVALID_FLAG --bogus: unknown flag',
    ],
  ])('%j exits 2 with one line naming the flag', async (args, command, message) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `sprintlens ${command}: ${message}. Run \`sprintlens ${command} --help\` for the flags.\n`,
    );
  });

  it.each([
    [['doctor', '--help'], 'Usage: sprintlens doctor'],
    [['doctor', '-h'], 'Usage: sprintlens doctor'],
    [['dev-backend', '--help'], 'Usage: sprintlens dev-backend'],
    [['help'], 'Usage: sprintlens <command>'],
    [['--help'], 'Usage: sprintlens <command>'],
    [['help', 'doctor'], 'Usage: sprintlens doctor'],
  ])('%j prints the usage and exits 0', async (args, usage) => {
    const result = await cli(args);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith(usage)).toBe(true);
    expect(result.stderr).toBe('');
  });
});
