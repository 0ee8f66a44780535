import { describe, expect, it } from 'vitest';
import { DEFAULTS, resolveConfig } from '../../../src/config/resolve';
import type { Env } from '../../../src/config/resolve';
import type { SprintlensOptions } from '../../../src/config/options';
import { redactConfig } from '../../../src/config/redact';
import { SprintlensError } from '../../../src/base/errors';
import { VERSION } from '../../../src/base/version';

const app = { name: 'my-app', version: '9.8.7' };

function resolve(env: Env = {}, options: SprintlensOptions = {}) {
  return resolveConfig(options, { env, appPackage: app });
}

function codes(env: Env, options: SprintlensOptions = {}): string[] {
  return resolve(env, options).warnings.map((w) => w.code);
}

describe('defaults', () => {
  it('collector mode to localhost:4318 over protobuf, with the documented defaults', () => {
    const { config, warnings } = resolve();
    expect(warnings).toEqual([]);
    expect(config.mode).toBe('collector');
    expect(config.traces.url).toBe('http://localhost:4318/v1/traces');
    expect(config.logs.url).toBe('http://localhost:4318/v1/logs');
    expect(config.metrics.url).toBe('http://localhost:4318/v1/metrics');
    expect(config.traces.protocol).toBe('http/protobuf');
    expect(config.traces.timeoutMillis).toBe(10_000);
    expect(config.traces.headers).toEqual({ 'user-agent': `sprintlens-node/${VERSION}` });
    expect(config.serviceName).toBe('my-app');
    expect(config.serviceVersion).toBe('9.8.7');
    expect(config.compression).toBe('auto');
    expect(config.captureContent).toBe(false);
    expect(config.logSampling).toBe(true);
    expect(config.logSamplingScope).toBe('export');
    expect(config.logRates).toEqual({ TRACE: 0.01, DEBUG: 0.05, INFO: 0.2, WARN: 0.5 });
    expect(config.policyRefreshSeconds).toBe(300);
    expect(config.patternReportSeconds).toBe(600);
    expect(config.queueMaxBytes).toBe(64 * 1024 * 1024);
    expect(config.shutdownTimeoutMillis).toBe(5_000);
    expect(config.metricsPort).toBeUndefined();
    expect(config.metricsHost).toBe('127.0.0.1');
    expect(config.tracesSampler).toBe('parentbased_always_on');
    expect(config.logLevel).toBe('warn');
  });

  it('without a package.json the service is unknown_service:node', () => {
    const { config } = resolveConfig(
      {},
      { env: {}, appPackage: { name: undefined, version: undefined } },
    );
    expect(config.serviceName).toBe('unknown_service:node');
    expect(config.serviceVersion).toBeUndefined();
  });
});

describe('precedence: options, then OTEL_*, then SPRINTLENS_*, then defaults', () => {
  it('capture content', () => {
    const env = {
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false',
      SPRINTLENS_CAPTURE_CONTENT: 'true',
    };
    expect(resolve(env, { captureContent: true }).config.captureContent).toBe(true);
    expect(resolve(env).config.captureContent).toBe(false);
    expect(resolve({ SPRINTLENS_CAPTURE_CONTENT: 'true' }).config.captureContent).toBe(true);
  });

  it('compression', () => {
    const env = { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', SPRINTLENS_COMPRESSION: 'zstd' };
    expect(resolve(env, { compression: 'none' }).config.compression).toBe('none');
    expect(resolve(env).config.compression).toBe('gzip');
    expect(resolve({ SPRINTLENS_COMPRESSION: 'zstd' }).config.compression).toBe('zstd');
  });

  it('service name: option, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, package.json', () => {
    const env = {
      OTEL_SERVICE_NAME: 'from-env',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs',
    };
    expect(resolve(env, { serviceName: 'from-option' }).config.serviceName).toBe('from-option');
    expect(resolve(env).config.serviceName).toBe('from-env');
    expect(
      resolve({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs' }).config.serviceName,
    ).toBe('from-attrs');
  });

  it('an empty variable counts as unset', () => {
    const { config, warnings } = resolve({ OTEL_SERVICE_NAME: '', OTEL_TRACES_SAMPLER: '  ' });
    expect(warnings).toEqual([]);
    expect(config.serviceName).toBe('my-app');
    expect(config.tracesSampler).toBe('parentbased_always_on');
  });

  it('per-signal collector endpoints and headers override the general ones', () => {
    const { config } = resolve({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs-collector:9999/custom/logs',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-team=llm,x-env=prod',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-env=staging',
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
    });
    expect(config.traces.url).toBe('http://collector:4318/v1/traces');
    expect(config.logs.url).toBe('http://logs-collector:9999/custom/logs');
    expect(config.traces.headers).toMatchObject({ 'x-team': 'llm', 'x-env': 'staging' });
    expect(config.logs.headers).toMatchObject({ 'x-team': 'llm', 'x-env': 'prod' });
    expect(config.metrics.protocol).toBe('http/json');
    expect(config.traces.protocol).toBe('http/protobuf');
  });
});

describe('backend mode', () => {
  it('SPRINTLENS_ENDPOINT receives every signal with the bearer key', () => {
    const { config, warnings } = resolve({
      SPRINTLENS_ENDPOINT: 'https://lens.example.com/',
      SPRINTLENS_API_KEY: 'k-123',
    });
    expect(warnings).toEqual([]);
    expect(config.mode).toBe('backend');
    expect(config.traces.url).toBe('https://lens.example.com/v1/traces');
    expect(config.logs.url).toBe('https://lens.example.com/v1/logs');
    expect(config.traces.headers.authorization).toBe('Bearer k-123');
  });

  it('a collector endpoint set as well is ignored, with a warning', () => {
    const { config, warnings } = resolve({
      SPRINTLENS_ENDPOINT: 'https://lens.example.com',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces',
    });
    expect(config.traces.url).toBe('https://lens.example.com/v1/traces');
    expect(warnings.map((w) => w.code)).toEqual(['SL_CONFIG_ENDPOINT_CONFLICT']);
  });

  it('a base URL with a path or a query keeps them: the signal path goes before the query', () => {
    const { config } = resolve({
      SPRINTLENS_ENDPOINT: 'https://lens.example.com/team-a/?tenant=x',
    });
    expect(config.traces.url).toBe('https://lens.example.com/team-a/v1/traces?tenant=x');
    const collector = resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/otlp?k=v' }).config;
    expect(collector.logs.url).toBe('http://c:4318/otlp/v1/logs?k=v');
  });

  it('the API key is never sent to a collector', () => {
    const { config, warnings } = resolve({ SPRINTLENS_API_KEY: 'k-123' });
    expect(config.mode).toBe('collector');
    expect(config.traces.headers.authorization).toBeUndefined();
    expect(warnings.map((w) => w.code)).toEqual(['SL_CONFIG_API_KEY_WITHOUT_ENDPOINT']);
  });
});

describe('validation: a bad value gives its code and the default', () => {
  it.each([
    [
      { OTEL_TRACES_SAMPLER: 'sometimes' },
      'SL_CONFIG_INVALID_ENUM',
      'tracesSampler',
      DEFAULTS.tracesSampler,
    ],
    [
      { SPRINTLENS_LOG_SAMPLING_SCOPE: 'everything' },
      'SL_CONFIG_INVALID_ENUM',
      'logSamplingScope',
      'export',
    ],
    [{ OTEL_LOG_LEVEL: 'loud' }, 'SL_CONFIG_INVALID_ENUM', 'logLevel', 'warn'],
    [{ OTEL_TRACES_SAMPLER_ARG: '1.5' }, 'SL_CONFIG_INVALID_RATE', 'tracesSamplerArg', 1],
    [{ OTEL_TRACES_SAMPLER_ARG: '-0.1' }, 'SL_CONFIG_INVALID_RATE', 'tracesSamplerArg', 1],
    [
      { SPRINTLENS_POLICY_REFRESH_SECONDS: 'soon' },
      'SL_CONFIG_INVALID_NUMBER',
      'policyRefreshSeconds',
      300,
    ],
    [{ SPRINTLENS_METRICS_PORT: '70000' }, 'SL_CONFIG_INVALID_NUMBER', 'metricsPort', undefined],
    [{ SPRINTLENS_METRICS_PORT: '9464.5' }, 'SL_CONFIG_INVALID_NUMBER', 'metricsPort', undefined],
    [
      { SPRINTLENS_QUEUE_MAX_BYTES: 'lots' },
      'SL_CONFIG_INVALID_NUMBER',
      'queueMaxBytes',
      DEFAULTS.queueMaxBytes,
    ],
    [
      { SPRINTLENS_SHUTDOWN_TIMEOUT_MS: 'NaN' },
      'SL_CONFIG_INVALID_NUMBER',
      'shutdownTimeoutMillis',
      5000,
    ],
    [{ OTEL_SDK_DISABLED: 'perhaps' }, 'SL_CONFIG_INVALID_BOOLEAN', 'disabled', false],
    [{ SPRINTLENS_LOG_SAMPLING: 'maybe' }, 'SL_CONFIG_INVALID_BOOLEAN', 'logSampling', true],
    [
      { SPRINTLENS_ENDPOINT: 'ftp://lens.example.com' },
      'SL_CONFIG_INVALID_URL',
      'endpoint',
      undefined,
    ],
    [{ SPRINTLENS_ENDPOINT: 'not a url' }, 'SL_CONFIG_INVALID_URL', 'endpoint', undefined],
    [
      { OTEL_RESOURCE_ATTRIBUTES: 'team' },
      'SL_CONFIG_INVALID_KEY_VALUE_LIST',
      'resourceAttributes',
      {},
    ],
    [
      { SPRINTLENS_LOG_RATES: 'INFO=2' },
      'SL_CONFIG_INVALID_SEVERITY_RATES',
      'logRates',
      DEFAULTS.logRates,
    ],
    [
      { SPRINTLENS_LOG_RATES: 'ERROR=0.5' },
      'SL_CONFIG_INVALID_SEVERITY_RATES',
      'logRates',
      DEFAULTS.logRates,
    ],
    [
      { SPRINTLENS_LOG_RATES: 'CHATTY=0.5' },
      'SL_CONFIG_INVALID_SEVERITY_RATES',
      'logRates',
      DEFAULTS.logRates,
    ],
    [
      { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'openai,mysql' },
      'SL_CONFIG_UNKNOWN_INSTRUMENTATION',
      'enabledInstrumentations',
      undefined,
    ],
  ] as const)('%o → %s', (env, code, key, fallback) => {
    const { config, warnings } = resolve(env);
    expect(warnings.map((w) => w.code)).toEqual([code]);
    expect(config[key]).toEqual(fallback);
    expect(warnings[0]).toBeInstanceOf(SprintlensError);
    expect(warnings[0]!.message).toMatch(/expected/);
  });

  it('a malformed header list is rejected whole, and its values never appear in the message', () => {
    const { config, warnings } = resolve({
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20sekrit,broken',
    });
    expect(warnings.map((w) => w.code)).toEqual(['SL_CONFIG_INVALID_HEADERS']);
    expect(config.traces.headers.authorization).toBeUndefined();
    expect(warnings[0]!.message).not.toContain('sekrit');
  });

  it.each(['x=%E0%A4%A', 'bad name=1', 'x=a\nb'])('header list %j is invalid', (value) => {
    expect(codes({ OTEL_EXPORTER_OTLP_HEADERS: value })).toEqual(['SL_CONFIG_INVALID_HEADERS']);
  });

  it('grpc has its own code and falls back to http/protobuf', () => {
    const { config, warnings } = resolve({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(warnings.map((w) => w.code)).toEqual([
      'SL_CONFIG_UNSUPPORTED_PROTOCOL',
      'SL_CONFIG_UNSUPPORTED_PROTOCOL',
      'SL_CONFIG_UNSUPPORTED_PROTOCOL',
    ]);
    expect(config.traces.protocol).toBe('http/protobuf');
  });

  it('options are validated like variables', () => {
    const bad = {
      tracesSamplerArg: 3,
      compression: 'brotli',
      metricsPort: -1,
    } as unknown as SprintlensOptions;
    expect(codes({}, bad).sort()).toEqual(
      ['SL_CONFIG_INVALID_ENUM', 'SL_CONFIG_INVALID_NUMBER', 'SL_CONFIG_INVALID_RATE'].sort(),
    );
  });

  it('never echoes the API key', () => {
    const { warnings } = resolve({}, { apiKey: '   ' });
    expect(warnings).toEqual([]);
    const typed = resolve({}, { apiKey: 42 as unknown as string });
    expect(typed.warnings.map((w) => w.code)).toEqual(['SL_CONFIG_INVALID_OPTION_TYPE']);
    expect(typed.warnings[0]!.message).not.toContain('42');
  });
});

describe('parsing details', () => {
  it('headers are percent-decoded and lower-cased', () => {
    const { config } = resolve({
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20YWJj, X-Tenant = a%2Cb',
    });
    expect(config.traces.headers).toMatchObject({ authorization: 'Basic YWJj', 'x-tenant': 'a,b' });
  });

  it('sizes accept units', () => {
    expect(resolve({ SPRINTLENS_QUEUE_MAX_BYTES: '128MiB' }).config.queueMaxBytes).toBe(
      128 * 1024 ** 2,
    );
    expect(resolve({ SPRINTLENS_QUEUE_MAX_BYTES: '2 GB' }).config.queueMaxBytes).toBe(2e9);
    expect(resolve({ SPRINTLENS_QUEUE_MAX_BYTES: '16777216' }).config.queueMaxBytes).toBe(16777216);
  });

  it('severity rates merge with the defaults; ERROR=1 is accepted', () => {
    const { config, warnings } = resolve({ SPRINTLENS_LOG_RATES: 'debug=0.1, INFO=0.3,ERROR=1' });
    expect(warnings).toEqual([]);
    expect(config.logRates).toEqual({ TRACE: 0.01, DEBUG: 0.1, INFO: 0.3, WARN: 0.5 });
  });

  it('enums from the environment are case-insensitive', () => {
    const { config } = resolve({
      OTEL_TRACES_SAMPLER: 'ParentBased_TraceIdRatio',
      OTEL_LOG_LEVEL: 'DEBUG',
    });
    expect(config.tracesSampler).toBe('parentbased_traceidratio');
    expect(config.logLevel).toBe('debug');
  });

  it('instrumentation lists are split, trimmed and de-duplicated', () => {
    const { config } = resolve({
      OTEL_NODE_ENABLED_INSTRUMENTATIONS: ' openai, anthropic ,openai',
      OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'console',
    });
    expect(config.enabledInstrumentations).toEqual(['openai', 'anthropic']);
    expect(config.disabledInstrumentations).toEqual(['console']);
  });

  it('resource attributes: deployment.environment.name and service.version come through', () => {
    const { config } = resolve({
      OTEL_RESOURCE_ATTRIBUTES:
        'deployment.environment.name=prod,service.version=2.0.0,team=ai%20platform',
    });
    expect(config.environment).toBe('prod');
    expect(config.serviceVersion).toBe('2.0.0');
    expect(config.resourceAttributes.team).toBe('ai platform');
  });
});

describe('redacted configuration', () => {
  it('hides the API key, every header value and URL credentials', () => {
    const { config } = resolve({
      SPRINTLENS_ENDPOINT: 'https://user:pw@lens.example.com/?token=q-secret',
      SPRINTLENS_API_KEY: 'k-very-secret',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=also-secret',
    });
    const printed = JSON.stringify(redactConfig(config));
    expect(printed).not.toContain('k-very-secret');
    expect(printed).not.toContain('also-secret');
    expect(printed).not.toContain('pw@');
    expect(printed).not.toContain('q-secret');
    expect(printed).toContain('x-api-key');
    expect(printed).toContain('[REDACTED]');
  });
});
