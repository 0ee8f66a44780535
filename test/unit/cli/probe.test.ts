/**
 * How doctor names each probe failure. The network codes are the ones the SDK's HTTP client
 * reports; test/integration/cli.test.ts produces the common ones for real (refused, DNS,
 * timeout, self-signed TLS, statuses). The TLS codes that need a CA-signed certificate, an
 * expired one or a wrong host name are checked here from their codes.
 */
import { describe, expect, it } from 'vitest';
import { diagnoseNetworkError, diagnoseStatus, probeTarget } from '../../../src/cli/probe';
import type { ProbeTarget } from '../../../src/cli/probe';
import { exportCompression } from '../../../exporters/factory';
import { resolveConfig } from '../../../src/config/resolve';

const app = { name: 'app', version: '1.0.0' };

function target(overrides: Partial<ProbeTarget> = {}): ProbeTarget {
  return {
    url: 'http://alice:pw@collector.example:4318/v1/traces',
    headers: {},
    protocol: 'http/protobuf',
    compression: 'none',
    mode: 'collector',
    source: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    ...overrides,
  };
}

describe('diagnoseNetworkError', () => {
  it.each([
    [
      'ECONNREFUSED',
      'refused',
      /nothing listens on collector\.example:4318/,
      /Start the collector/,
    ],
    ['ENOTFOUND', 'dns', /host name collector\.example does not resolve/, /Fix the host name/],
    ['EAI_AGAIN', 'dns', /EAI_AGAIN/, /DNS/],
    ['ETIMEDOUT', 'timeout', /no answer within 300 ms/, /raise --timeout/],
    ['ECONNRESET', 'reset', /closed the connection/, /try https:\/\//],
    ['EHOSTUNREACH', 'unroutable', /no route to collector\.example:4318/, /network path/],
    ['EACCES', 'bad-port', /not permitted/, /firewall/],
    ['ERR_SOCKET_BAD_PORT', 'bad-port', /cannot be connected to/, /4318/],
    ['EPROTO', 'tls-handshake', /TLS handshake/, /Check the URL/],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls-certificate', /self-signed/, /NODE_EXTRA_CA_CERTS/],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls-certificate', /self-signed CA/, /NODE_EXTRA_CA_CERTS/],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls-certificate', /CA/, /NODE_EXTRA_CA_CERTS/],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'tls-certificate', /CA/, /NODE_EXTRA_CA_CERTS/],
    ['CERT_HAS_EXPIRED', 'tls-certificate', /has expired/, /Renew/],
    ['CERT_NOT_YET_VALID', 'tls-certificate', /not valid yet/, /clock/],
    [
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'tls-certificate',
      /not issued for this host name/,
      /reissue the certificate for collector\.example/,
    ],
    ['CERT_SOMETHING_NEW', 'tls-certificate', /could not be verified/, /NODE_EXTRA_CA_CERTS/],
    ['ERR_TLS_HANDSHAKE_TIMEOUT', 'timeout', /no answer within 300 ms/, /--timeout/],
    ['EWEIRD', 'network', /network error EWEIRD/, /network path/],
  ])('%s: %s', (code, cause, reason, advice) => {
    const diagnosis = diagnoseNetworkError(code, target(), 300);
    expect(diagnosis.cause).toBe(cause);
    expect(diagnosis.reason).toMatch(reason);
    expect(diagnosis.reason).toContain(code);
    expect(diagnosis.advice).toMatch(advice);
    expect(diagnosis.reason + diagnosis.advice).not.toMatch(/alice|pw/);
  });

  it('tells refused from a port that cannot be used', () => {
    expect(
      diagnoseNetworkError('ECONNREFUSED', target({ url: 'http://127.0.0.1:0/v1/traces' }), 1)
        .cause,
    ).toBe('bad-port');
  });

  it('gives TLS and reset advice that fits the scheme', () => {
    const https = target({ url: 'https://collector.example/v1/traces' });
    expect(diagnoseNetworkError('EPROTO', https, 1).advice).toMatch(/plain HTTP: try http:\/\//);
    expect(diagnoseNetworkError('ECONNRESET', https, 1).advice).not.toMatch(/https:\/\//);
    expect(diagnoseNetworkError('ECONNREFUSED', https, 1).reason).toContain(
      'collector.example:443',
    );
  });
});

describe('diagnoseStatus', () => {
  it.each([200, 202, 204, 400, 429])('%i: an OTLP receiver is there', (status) => {
    expect(diagnoseStatus(status, target(), undefined)).toBeUndefined();
  });

  it.each([
    [
      404,
      'wrong-path',
      /no OTLP receiver at \/v1\/traces \(404 Not Found\)/,
      /without \/v1\/traces/,
    ],
    [405, 'wrong-path', /405 Method Not Allowed/, /base URL/],
    [415, 'wrong-protocol', /does not take application\/x-protobuf/, /PROTOCOL=http\/json/],
    [301, 'redirect', /redirect/, /does not follow redirects/],
    [500, 'server-error', /failing \(500 Internal Server Error\)/, /own logs/],
    [502, 'server-error', /proxy in front/, /retries/],
    [418, 'http-status', /418/, /OTLP\/HTTP receiver/],
  ])('%i: %s', (status, cause, reason, advice) => {
    const diagnosis = diagnoseStatus(status, target(), undefined);
    expect(diagnosis?.cause).toBe(cause);
    expect(diagnosis?.reason).toMatch(reason);
    expect(diagnosis?.advice).toMatch(advice);
  });

  it('404: advice for the setting in use', () => {
    const backend = target({ mode: 'backend', source: 'SPRINTLENS_ENDPOINT' });
    expect(diagnoseStatus(404, backend, undefined)?.advice).toMatch(/SPRINTLENS_ENDPOINT is the/);
    const full = target({ source: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' });
    expect(diagnoseStatus(404, full, undefined)?.advice).toMatch(/full URL/);
    const doubled = target({ url: 'http://c:4318/v1/traces/v1/traces' });
    expect(diagnoseStatus(404, doubled, undefined)?.advice).toMatch(/\/v1\/traces twice/);
  });

  it('415 names the compression when one was sent', () => {
    const diagnosis = diagnoseStatus(415, target({ protocol: 'http/json' }), 'gzip');
    expect(diagnosis?.reason).toContain('application/json with Content-Encoding gzip');
    expect(diagnosis?.advice).toMatch(/PROTOCOL=http\/protobuf, or SPRINTLENS_COMPRESSION=none/);
  });
});

describe('probeTarget', () => {
  const of = (env: Record<string, string>) =>
    probeTarget(resolveConfig({}, { env, appPackage: app }).config, env);

  it('names the setting the URL comes from', () => {
    expect(of({}).source).toBe('OTEL_EXPORTER_OTLP_ENDPOINT (unset: the default)');
    expect(of({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).source).toBe(
      'OTEL_EXPORTER_OTLP_ENDPOINT',
    );
    expect(of({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }).source).toBe(
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    );
    expect(of({ SPRINTLENS_ENDPOINT: 'http://lens:4318' }).source).toBe('SPRINTLENS_ENDPOINT');
  });

  it('uses the compression the exporter uses', () => {
    for (const env of [
      {},
      { SPRINTLENS_ENDPOINT: 'http://lens:4318' },
      { SPRINTLENS_COMPRESSION: 'gzip' },
      { SPRINTLENS_COMPRESSION: 'none' },
    ]) {
      const config = resolveConfig({}, { env, appPackage: app }).config;
      expect(probeTarget(config, env).compression).toBe(exportCompression(config));
    }
  });
});
