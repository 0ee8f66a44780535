import { describe, expect, it } from 'vitest';
import { redactConfig } from '../../../src/config/redact';
import { resolveConfig } from '../../../src/config/resolve';
import {
  AuthRejectedError,
  DoctorEndpointRejectedError,
  DoctorEndpointUnreachableError,
} from '../../../src/base/errors';
import { redactUrl } from '../../../src/base/redact-url';

const app = { name: 'app', version: '1.0.0' };

describe('redactUrl', () => {
  it.each([
    // [input, printed]
    ['http://localhost:4318', 'http://localhost:4318'],
    ['http://localhost:4318/', 'http://localhost:4318/'],
    ['https://collector:4318/v1/traces', 'https://collector:4318/v1/traces'],
    ['http://alice:s3cret@collector:4318/v1/traces', 'http://REDACTED@collector:4318/v1/traces'],
    ['http://alice:s3cret@collector:4318', 'http://REDACTED@collector:4318'],
    ['https://tok3n@lens.example.com/v1/traces', 'https://REDACTED@lens.example.com/v1/traces'],
    ['https://:pw0rd@lens.example.com', 'https://REDACTED@lens.example.com'],
    ['http://u%40x:p%3Aw@h:1/p', 'http://REDACTED@h:1/p'],
    ['http://h/p?token=abc&x=1', 'http://h/p?token=REDACTED&x=REDACTED'],
    ['http://h/p?bare-secret', 'http://h/p?REDACTED'],
    ['http://h/p#access_token=xyz', 'http://h/p#REDACTED'],
    ['http://a:b@h/p?k=v#f', 'http://REDACTED@h/p?k=REDACTED#REDACTED'],
    // Not URLs the parser takes: redacted by position all the same.
    ['http://alice:s3cret@', 'http://REDACTED@'],
    ['http://alice:s3/cr?et@host:99999/v1', 'http://REDACTED@host:99999/v1'],
    ['alice:s3cret@host:4318', 'REDACTED@host:4318'],
    ['not a url?key=s3cret', 'not a url?REDACTED'],
  ])('%s -> %s', (input, printed) => {
    expect(redactUrl(input)).toBe(printed);
    expect(redactUrl(printed)).toBe(printed); // idempotent
  });

  it('never lets a password through, whatever the URL looks like', () => {
    const secret = 'Zq9-secret';
    for (const url of [
      `http://user:${secret}@host`,
      `https://${secret}@host:1/x`,
      `http://user:${secret}@host:70000`,
      `ftp://user:${secret}@host/`,
      `http://user:${secret}@`,
      `http://user:a@b:${secret}@host`,
      `http:\\\\user:${secret}@host`,
      `http://host/?q=${secret}`,
      `http://host/#${secret}`,
      `mailto:someone?subject=${secret}`,
    ]) {
      expect(redactUrl(url), url).not.toContain(secret);
      expect(redactUrl(url), url).toContain('REDACTED');
    }
  });
});

describe('every printed URL goes through redactUrl', () => {
  it('the printed configuration', () => {
    const { config } = resolveConfig(
      {},
      {
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: 'https://user:pw-1@collector.example.com',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://tok-2@traces.example.com/v1/t?token=q-3',
        },
        appPackage: app,
      },
    );
    const printed = JSON.stringify(redactConfig(config));
    expect(printed).not.toMatch(/pw-1|tok-2|q-3/);
    expect(printed).toContain('"https://REDACTED@traces.example.com/v1/t?token=REDACTED"');
    expect(printed).toContain('"https://REDACTED@collector.example.com/v1/logs"');
  });

  it('the warning for an invalid URL', () => {
    const { warnings } = resolveConfig(
      {},
      { env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://bob:pw-2@host:99999' }, appPackage: app },
    );
    expect(warnings.map((w) => w.code)).toEqual(['SL_CONFIG_INVALID_URL']);
    expect(warnings[0]?.message).not.toContain('pw-2');
    expect(warnings[0]?.message).toContain('http://REDACTED@host:99999');
  });

  it('the errors that name an endpoint', () => {
    const url = 'http://bob:pw-3@host:4318/v1/traces?key=k-4';
    for (const error of [
      new DoctorEndpointUnreachableError(url, 'reason', 'advice'),
      new DoctorEndpointRejectedError(url, 404, 'reason', 'advice'),
      new AuthRejectedError(url, 401),
    ]) {
      expect(error.message).toContain('http://REDACTED@host:4318/v1/traces?key=REDACTED');
      expect(error.message).not.toMatch(/pw-3|k-4|bob/);
    }
  });
});
