import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/base/version';
import { OtlpReceiver } from '../support/otlp-receiver';
import { linkPackageIntoApps, REPO_ROOT, runApp } from '../support/spawn-app';

const receiver = new OtlpReceiver();

beforeAll(async () => {
  linkPackageIntoApps();
  await receiver.start();
});
afterAll(() => receiver.close());

function collectorEnv(service: string): Record<string, string> {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: service };
}

describe.each([
  { kind: 'CommonJS', args: ['--require', 'sprintlens/register', 'basic.cjs'], span: 'cjs-work' },
  { kind: 'ES module', args: ['--import', 'sprintlens/register', 'basic.mjs'], span: 'esm-work' },
])('$kind app under the register entry', ({ kind, args, span }) => {
  const service = `register-${span}`;

  it('exports its span and log record, correlated, with the resource', async () => {
    const result = await runApp({ args, env: collectorEnv(service) });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('app done');
    await receiver.waitFor(
      () => receiver.spansOf(service).length > 0 && receiver.logsOf(service).length > 0,
    );

    const [received] = receiver.spansOf(service);
    expect(received?.name).toBe(span);
    expect(received?.attributes['fixture.kind']).toBe(kind === 'CommonJS' ? 'cjs' : 'esm');
    const resource = received!.resource;
    expect(resource['telemetry.distro.name']).toBe('sprintlens');
    expect(resource['telemetry.distro.version']).toBe(VERSION);
    expect(resource['telemetry.sdk.language']).toBe('nodejs');
    expect(resource['service.version']).toBe('1.2.3'); // from the app's package.json
    expect(resource['host.name']).toEqual(expect.any(String));
    expect(resource['os.type']).toBe('linux');
    expect(resource['process.pid']).toEqual(expect.any(Number));
    expect(resource['process.runtime.name']).toBe('nodejs');
    expect(resource).not.toHaveProperty('process.command_args');

    const [log] = receiver.logsOf(service);
    expect(log?.body).toBe(kind === 'CommonJS' ? 'hello from cjs' : 'hello from esm');
    expect(log?.traceId).toBe(received!.traceId);
    expect(log?.spanId).toBe(received!.spanId);
    expect(log?.resource['service.name']).toBe(service);
  });
});

describe('configuration in real processes', () => {
  it('sends to SPRINTLENS_ENDPOINT with the bearer key and our User-Agent, never logging the key', async () => {
    const service = 'backend-mode';
    const key = 'sl-test-key-5f0c2b9e';
    const result = await runApp({
      args: ['--require', 'sprintlens/register', 'basic.cjs'],
      env: {
        SPRINTLENS_ENDPOINT: receiver.url,
        SPRINTLENS_API_KEY: key,
        OTEL_SERVICE_NAME: service,
        OTEL_LOG_LEVEL: 'debug',
      },
    });
    expect(result.code).toBe(0);
    await receiver.waitFor(() => receiver.spansOf(service).length > 0);
    const withKey = receiver.requests.filter((r) => r.headers.authorization === `Bearer ${key}`);
    expect(withKey.map((r) => r.path).sort()).toEqual(
      expect.arrayContaining(['/v1/logs', '/v1/traces']),
    );
    expect(String(withKey[0]?.headers['user-agent'])).toContain(`sprintlens-node/${VERSION}`);
    // Debug prints the resolved configuration, redacted.
    expect(result.stderr).toContain('resolved configuration');
    expect(result.stderr).toContain('[REDACTED]');
    expect(result.stderr).not.toContain(key);
  });

  it('exports OTLP/JSON on request', async () => {
    const service = 'json-protocol';
    const before = receiver.requests.length;
    const result = await runApp({
      args: ['--require', 'sprintlens/register', 'basic.cjs'],
      env: { ...collectorEnv(service), OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
    });
    expect(result.code).toBe(0);
    await receiver.waitFor(() => receiver.spansOf(service).length > 0);
    const traceRequests = receiver.requests.slice(before).filter((r) => r.path === '/v1/traces');
    expect(traceRequests.every((r) => r.headers['content-type'] === 'application/json')).toBe(true);
    expect(receiver.spansOf(service)[0]?.name).toBe('cjs-work');
  });

  it('reports every class of bad value with its code, runs on with defaults, never echoes a header value', async () => {
    const service = 'bad-config';
    const result = await runApp({
      args: ['--require', 'sprintlens/register', 'basic.cjs'],
      env: {
        ...collectorEnv(service),
        OTEL_TRACES_SAMPLER: 'sometimes',
        OTEL_TRACES_SAMPLER_ARG: '1.5',
        SPRINTLENS_QUEUE_MAX_BYTES: 'lots',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20sekrit-7731,broken',
        SPRINTLENS_ENDPOINT: 'ftp://backend.invalid',
        SPRINTLENS_LOG_SAMPLING: 'maybe',
      },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('app done');
    for (const code of [
      'SL_CONFIG_INVALID_ENUM',
      'SL_CONFIG_INVALID_RATE',
      'SL_CONFIG_INVALID_NUMBER',
      'SL_CONFIG_INVALID_HEADERS',
      'SL_CONFIG_INVALID_URL',
      'SL_CONFIG_INVALID_BOOLEAN',
    ]) {
      expect(result.stderr).toContain(code);
    }
    expect(result.stderr).not.toContain('sekrit-7731');
    // The bad backend URL fell back to collector mode: data still arrives.
    await receiver.waitFor(() => receiver.spansOf(service).length > 0);
  });

  it('OTEL_SDK_DISABLED=true: no provider, no export, no output', async () => {
    const service = 'disabled';
    const before = receiver.requests.length;
    const result = await runApp({
      args: ['--require', 'sprintlens/register', 'basic.cjs'],
      env: { ...collectorEnv(service), OTEL_SDK_DISABLED: 'true' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('recording=false');
    expect(result.stderr).toBe('');
    // Give a (wrong) export time to arrive before concluding nothing came.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.requests.length).toBe(before);
    expect(receiver.spansOf(service)).toEqual([]);
  });

  it('start() after --require returns the running SDK and exports once', async () => {
    const service = 'start-twice';
    const result = await runApp({
      args: ['--require', 'sprintlens/register', 'start-twice.cjs'],
      env: collectorEnv(service),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('same-handle=true');
    await receiver.waitFor(() => receiver.spansOf(service).length > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.spansOf(service).filter((s) => s.name === 'once')).toHaveLength(1);
    expect(
      receiver.spans.filter((s) => s.resource['service.name'] === 'ignored-second-start'),
    ).toEqual([]);
  });

  it('starts on the main thread only, not in worker threads', async () => {
    const result = await runApp({
      args: ['--require', 'sprintlens/register', 'worker.cjs'],
      env: collectorEnv('workers'),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('main-started=true');
    expect(result.stdout).toContain('worker-started=false');
  });

  it('the ES-module entry prints no warning (no deprecated loader API on this Node)', async () => {
    const result = await runApp({
      args: ['--import', 'sprintlens/register', 'basic.mjs'],
      env: collectorEnv('esm-quiet'),
    });
    expect(result.stderr).not.toMatch(/Warning/);
    expect(result.code).toBe(0);
  });

  it('the ES-module entry also works through module.register with the message channel', async () => {
    const service = 'esm-async-loader';
    const result = await runApp({
      args: ['--import', 'sprintlens/register', 'basic.mjs'],
      env: { ...collectorEnv(service), SPRINTLENS_ESM_LOADER: 'async' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('app done');
    await receiver.waitFor(() => receiver.spansOf(service).length > 0);
  });
});

describe('living with a user-run NodeSDK', () => {
  it('--require plus the user’s own NodeSDK exports each span once', async () => {
    const service = 'with-user-sdk';
    const before = receiver.requests.length;
    const result = await runApp({
      args: ['--require', 'sprintlens/register', 'user-nodesdk.cjs'],
      env: { ...collectorEnv(service), FIXTURE_USER_ENDPOINT: receiver.url },
    });
    expect(result.code).toBe(0);
    await receiver.waitFor(() =>
      receiver.spans.some((s) => s.name === 'user-work' && s.resource['service.name'] === service),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const copies = receiver.spans.filter(
      (s) =>
        s.name === 'user-work' &&
        ['user-sdk', service].includes(String(s.resource['service.name'])),
    );
    expect(copies).toHaveLength(1);
    const userSdkRequests = receiver.requests
      .slice(before)
      .filter((r) => r.headers['x-exporter'] === 'user-sdk');
    expect(userSdkRequests).toEqual([]);
  });

  it('start() after the user’s NodeSDK warns with a code and leaves their SDK alone', async () => {
    const result = await runApp({
      args: ['user-nodesdk.cjs'],
      env: {
        ...collectorEnv('late-start'),
        FIXTURE_USER_ENDPOINT: receiver.url,
        FIXTURE_THEN_START: '1',
      },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('SL_START_FOREIGN_PROVIDER');
    await receiver.waitFor(() =>
      receiver.spans.some(
        (s) => s.name === 'user-work' && s.resource['service.name'] === 'user-sdk',
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.spansOf('late-start')).toEqual([]);
  });
});

describe('Node.js below the supported range (20, from test/versions/node-20)', () => {
  const node20 = join(REPO_ROOT, 'test/versions/node-20/node_modules/node/bin/node');

  it.each([
    { kind: 'CommonJS', args: ['--require', 'sprintlens/register', 'basic.cjs'], span: 'cjs-work' },
    { kind: 'ES module', args: ['--import', 'sprintlens/register', 'basic.mjs'], span: 'esm-work' },
  ])('$kind: one coded warning naming the range, and the app runs', async ({ args, span }) => {
    const service = `node-20-${span}`;
    const result = await runApp({ node: node20, args, env: collectorEnv(service) });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('app done');
    const warnings = result.stderr
      .split('\n')
      .filter((line) => line.includes('SL_NODE_UNSUPPORTED'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Node.js 20.');
    expect(warnings[0]).toContain('>=22.15.0');
    // Best effort on an old runtime: the telemetry still flows.
    await receiver.waitFor(() => receiver.spansOf(service).length === 1);
  });
});
