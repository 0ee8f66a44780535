import { describe, expect, it } from 'vitest';
import { templatePattern } from '../../src/sampling/printf-template';
import {
  byBody,
  expectCorrelated,
  FIRST_OCCURRENCES,
  lines,
  modes,
  patchedThrough,
  receiverForFile,
  runBesideReference,
  runScopeAll,
  severityOf,
  telemetryOf,
} from './logs-harness';

const receiver = receiverForFile({ folder: 'logs-pino-9', pkg: 'pino', version: 'pino-9' });

// pino's correlation fields come from a mixin: right after "level", always in this order.
const TRACE_FIELDS = /"trace_id":"[0-9a-f]{32}","span_id":"[0-9a-f]{16}","trace_flags":"0[01]",/;

describe.each([
  ...modes('logs', 'pino').map((m) => ({ ...m, version: '10' })),
  ...modes('logs-pino-9', 'pino').map((m) => ({ ...m, version: '9' })),
])('pino $version, $kind', (mode) => {
  const service = `logs-pino${mode.version}-${mode.kind}`;

  it('exports every line correlated, with severity, body, fields and template; stdout unchanged but for trace fields', async () => {
    const [result, plain] = await runBesideReference({
      receiver,
      service,
      mode,
      env: { OTEL_LOG_LEVEL: 'debug' },
    });
    expect(result.code).toBe(0);
    expect(plain.code).toBe(0);
    // The ES-module run was patched by the ES-module hook (the module list of the registry).
    expect(result.stderr).toContain(patchedThrough('pino', mode));
    expect(result.stderr).toContain(`"module":"pino","version":"${mode.version}.`);

    const out = lines(result.stdout);
    expect(out).toHaveLength(5);
    expect(out.slice(0, 4).every((l) => TRACE_FIELDS.test(l))).toBe(true);
    expect(out[4]).not.toContain('trace_id');
    expect(out.map((l) => l.replace(TRACE_FIELDS, ''))).toEqual(lines(plain.stdout));

    const { span, logs } = await telemetryOf(receiver, service, 'pino-work', 5);
    expect(logs).toHaveLength(5);
    const login = byBody(logs, 'user ann logged in');
    expect(severityOf(login)).toBe(9);
    expect(login.severityText).toBe('info');
    expect(login.attributes['user.id']).toBe(7);
    expect(login.attributes['log.record.template']).toBe('user %s logged in');
    const disk = byBody(logs, 'disk at 91%');
    expect(severityOf(disk)).toBe(13);
    expect(disk.attributes.requestId).toBe('r-1');
    expect(disk.attributes['log.record.template']).toBe('disk at %d%%');
    const boom = byBody(logs, 'boom');
    expect(severityOf(boom)).toBe(17);
    expect(boom.attributes['exception.type']).toBe('Error');
    expect(String(boom.attributes['exception.stacktrace'])).toContain('logs-scenarios.cjs');
    expect(severityOf(byBody(logs, 'please drop this debug line'))).toBe(5);
    expectCorrelated(logs, span, ['user ann', 'disk at', 'boom', 'please drop']);
    expect(byBody(logs, 'outside any span').traceId).toBeUndefined();
    // The reference run had the log instrumentations off: nothing from pino.
    expect(receiver.logsOf(service + '-plain')).toEqual([]);
  });

  it('scope all: a dropped line is neither written nor exported; kept ones carry the decision', async () => {
    const { result, logs } = await runScopeAll({
      receiver,
      service: `${service}-all`,
      mode,
      spanName: 'pino-work',
    });
    expect(lines(result.stdout)).toHaveLength(4 + FIRST_OCCURRENCES);
    const drops = logs.filter((l) => String(l.body).includes('please drop'));
    for (const drop of drops) expect(drop.attributes['sprintlens.sample_rate']).toBe(1);
    // Kept lines carry the decision taken before pino wrote them: the template's pattern.
    const login = byBody(logs, 'user ann logged in');
    const pattern = templatePattern('user %s logged in');
    expect(login.attributes).toMatchObject({
      'sprintlens.pattern.id': pattern.id,
      'log.record.template': pattern.template,
      'sprintlens.sample_rate': 1,
    });
  });
});
