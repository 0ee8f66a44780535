/**
 * The settings of the bundled HTTP instrumentations: `SPRINTLENS_HTTP_IGNORE_PATHS` /
 * `httpIgnorePaths`, parsed and validated like every setting; the incoming-request filter the
 * HTTP instrumentation is built with; and the outgoing requests both HTTP instrumentations
 * skip (those made with tracing suppressed, as all of the SDK's own are).
 */
import type { IncomingMessage } from 'node:http';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { suppressTracing } from '@opentelemetry/core';
import type { RequestOptions } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/resolve';
import type { Env } from '../../../src/config/resolve';
import type { SprintlensOptions } from '../../../src/config/options';
import { markOwnServer } from '../../../src/base/own-servers';
import {
  httpInstrumentationConfig,
  undiciInstrumentationConfig,
} from '../../../instrumentations/http/config';
import type { UndiciRequest } from '@opentelemetry/instrumentation-undici';
import { ignoredPathMatcher, pathOf } from '../../../instrumentations/http/ignore-paths';
import { INSTRUMENTATION_FACTORIES } from '../../../instrumentations/registry';

const app = { name: 'my-app', version: '1.0.0' };

function resolve(env: Env, options: SprintlensOptions = {}) {
  return resolveConfig(options, { env, appPackage: app });
}

describe('httpIgnorePaths: configuration', () => {
  it('defaults to none', () => {
    const { config, warnings } = resolve({});
    expect(config.httpIgnorePaths).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('is comma-separated in the environment: trimmed, empty entries skipped, de-duplicated', () => {
    const { config, warnings } = resolve({
      SPRINTLENS_HTTP_IGNORE_PATHS: ' /healthz , /ready,,/internal/*,/healthz',
    });
    expect(config.httpIgnorePaths).toEqual(['/healthz', '/ready', '/internal/*']);
    expect(warnings).toEqual([]);
  });

  it('the option wins over the variable', () => {
    const { config } = resolve(
      { SPRINTLENS_HTTP_IGNORE_PATHS: '/from-env' },
      { httpIgnorePaths: ['/from-code', '/*'] },
    );
    expect(config.httpIgnorePaths).toEqual(['/from-code', '/*']);
  });

  it.each([
    ['healthz', 'no leading slash'],
    ['/a b', 'a space'],
    ['/healthz?probe=1', 'a query'],
    ['/a#b', 'a fragment'],
    ['/a*/b', 'a * that is not last'],
    ['/ok,nope', 'one bad entry among good ones'],
  ])('%s (%s): SL_CONFIG_INVALID_PATH_LIST, and no path is ignored', (value) => {
    const { config, warnings } = resolve({ SPRINTLENS_HTTP_IGNORE_PATHS: value });
    expect(warnings.map((w) => w.code)).toEqual(['SL_CONFIG_INVALID_PATH_LIST']);
    expect(warnings[0]!.message).toContain('SPRINTLENS_HTTP_IGNORE_PATHS');
    expect(warnings[0]!.message).toContain('a trailing * makes a prefix');
    expect(config.httpIgnorePaths).toEqual([]);
  });

  it('an option that is not a list of path strings gets the same code', () => {
    const numbers = { httpIgnorePaths: [42] } as unknown as SprintlensOptions;
    const { config, warnings } = resolve({ SPRINTLENS_HTTP_IGNORE_PATHS: '/env' }, numbers);
    expect(warnings.map((w) => w.code)).toEqual(['SL_CONFIG_INVALID_PATH_LIST']);
    expect(config.httpIgnorePaths).toEqual([]);
  });

  it('a string given as the option is read as the variable is', () => {
    const text = { httpIgnorePaths: '/healthz,/ready' } as unknown as SprintlensOptions;
    expect(resolve({}, text).config.httpIgnorePaths).toEqual(['/healthz', '/ready']);
  });
});

describe('httpIgnorePaths: matching', () => {
  const ignored = ignoredPathMatcher(['/healthz', '/internal/*'])!;

  it('an exact path matches only itself, whatever its query', () => {
    expect(ignored('/healthz')).toBe(true);
    expect(ignored('/healthz?verbose=1')).toBe(true);
    expect(ignored('/healthz#x')).toBe(true);
    expect(ignored('/healthz/')).toBe(false);
    expect(ignored('/healthzz')).toBe(false);
    expect(ignored('/api/healthz')).toBe(false);
  });

  it('a trailing * matches every path with that prefix', () => {
    expect(ignored('/internal/')).toBe(true);
    expect(ignored('/internal/metrics?x=1')).toBe(true);
    expect(ignored('/internal')).toBe(false);
    expect(ignoredPathMatcher(['/*'])!('/anything')).toBe(true);
  });

  it('reads the path of an absolute-form target, and of none', () => {
    expect(pathOf('http://example.test:8080/healthz?x=1')).toBe('/healthz');
    expect(pathOf(undefined)).toBe('/');
    expect(ignored('http://example.test/healthz')).toBe(true);
    expect(ignored(undefined)).toBe(false);
  });

  it('no patterns: no matcher', () => {
    expect(ignoredPathMatcher([])).toBeUndefined();
  });
});

describe('the incoming-request filter of the bundled HTTP instrumentation', () => {
  // What the hook reads of a request: its target and the server its socket arrived on.
  const request = (url: string, server: object = {}) =>
    ({ url, socket: { server } }) as unknown as IncomingMessage;

  it("skips the SDK's own servers on every path, and the ignored paths on every server", () => {
    const own = {};
    markOwnServer(own);
    const hook = httpInstrumentationConfig({
      ignorePaths: ['/healthz'],
    }).ignoreIncomingRequestHook!;
    expect(hook(request('/metrics', own))).toBe(true);
    expect(hook(request('/anything', own))).toBe(true);
    expect(hook(request('/healthz?probe=1'))).toBe(true);
    expect(hook(request('/metrics'))).toBe(false);
    expect(hook(request('/users/7'))).toBe(false);
    expect(hook({ url: '/x', socket: null } as unknown as IncomingMessage)).toBe(false);
  });

  it('the factory builds the HTTP instrumentation with it', () => {
    const own = {};
    markOwnServer(own);
    const http = INSTRUMENTATION_FACTORIES.http!({
      captureContent: false,
      httpIgnorePaths: ['/ready'],
    });
    try {
      expect(http.instrumentationName).toBe('@opentelemetry/instrumentation-http');
      const hook = (
        http.getConfig() as { ignoreIncomingRequestHook?: (r: IncomingMessage) => boolean }
      ).ignoreIncomingRequestHook!;
      expect(hook(request('/ready'))).toBe(true);
      expect(hook(request('/', own))).toBe(true);
      expect(hook(request('/'))).toBe(false);
    } finally {
      http.disable();
    }
  });
});

describe('outgoing requests made with tracing suppressed', () => {
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterAll(() => context.disable());

  const options = {} as RequestOptions;
  const request = {} as UndiciRequest;
  const outgoing = httpInstrumentationConfig({}).ignoreOutgoingRequestHook!;
  const fetched = undiciInstrumentationConfig().ignoreRequestHook!;

  it('are skipped whole by both instrumentations (no span, no metric, no header)', () => {
    context.with(suppressTracing(ROOT_CONTEXT), () => {
      expect(outgoing(options)).toBe(true);
      expect(fetched(request)).toBe(true);
    });
  });

  it('any other is instrumented', () => {
    expect(outgoing(options)).toBe(false);
    expect(fetched(request)).toBe(false);
    context.with(ROOT_CONTEXT, () => expect(fetched(request)).toBe(false));
  });
});
