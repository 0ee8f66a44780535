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
  withoutTraceFields,
} from './logs-harness';

const receiver = receiverForFile();

describe.each(modes('logs', 'winston'))('winston 3, $kind', (mode) => {
  const service = `logs-winston-${mode.kind}`;

  it('exports every line correlated, with severity, body, meta and template; output unchanged but for trace fields', async () => {
    const [result, plain] = await runBesideReference({
      receiver,
      service,
      mode,
      env: { OTEL_LOG_LEVEL: 'debug' },
    });
    expect(result.code).toBe(0);
    expect(plain.code).toBe(0);
    expect(result.stderr).toContain(patchedThrough('winston', mode));

    const out = lines(result.stdout);
    expect(out).toHaveLength(5);
    for (const line of out.slice(0, 4)) {
      expect(JSON.parse(line)).toMatchObject({
        trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
        span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
        trace_flags: '01',
      });
    }
    expect(out[4]).not.toContain('trace_id');
    expect(out.map(withoutTraceFields)).toEqual(lines(plain.stdout));

    const { span, logs } = await telemetryOf(receiver, service, 'winston-work', 5);
    expect(logs).toHaveLength(5);
    const login = byBody(logs, 'user ann logged in');
    expect(severityOf(login)).toBe(9);
    expect(login.severityText).toBe('info');
    expect(login.attributes).toMatchObject({
      service: 'fixture',
      'user.id': 7,
      'log.record.template': 'user %s logged in',
    });
    const disk = byBody(logs, 'disk at 91%');
    expect(severityOf(disk)).toBe(13);
    expect(disk.attributes.requestId).toBe('r-1');
    const failed = byBody(logs, 'failed boom');
    expect(severityOf(failed)).toBe(17);
    expect(String(failed.attributes['exception.stacktrace'])).toContain('logs-scenarios.cjs');
    expect(severityOf(byBody(logs, 'please drop this debug line'))).toBe(5);
    expectCorrelated(logs, span, ['user ann', 'disk at', 'failed boom', 'please drop']);
    expect(byBody(logs, 'outside any span').traceId).toBeUndefined();
    expect(receiver.logsOf(service + '-plain')).toEqual([]);
  });

  it('scope all: a dropped line reaches no transport and no exporter', async () => {
    const { result, logs } = await runScopeAll({
      receiver,
      service: `${service}-all`,
      mode,
      spanName: 'winston-work',
    });
    expect(lines(result.stdout)).toHaveLength(4 + FIRST_OCCURRENCES);
    // Kept lines carry the decision taken before winston's formats ran: the template's pattern.
    expect(byBody(logs, 'user ann logged in').attributes).toMatchObject({
      'sprintlens.pattern.id': templatePattern('user %s logged in').id,
      'sprintlens.sample_rate': 1,
    });
  });
});
