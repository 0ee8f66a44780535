import { describe, expect, it } from 'vitest';
import { logPattern } from '../../src/sampling/log-pattern';
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

const receiver = receiverForFile({ folder: 'logs-bunyan-1', pkg: 'bunyan', version: 'bunyan-1' });

/** bunyan writes the time and pid: the only fields allowed to differ between two runs. */
function stable(line: string): string {
  const parsed = JSON.parse(withoutTraceFields(line)) as Record<string, unknown>;
  parsed.time = 'T';
  parsed.pid = 0;
  return JSON.stringify(parsed);
}

describe.each([
  ...modes('logs', 'bunyan').map((m) => ({ ...m, version: '2' })),
  ...modes('logs-bunyan-1', 'bunyan').map((m) => ({ ...m, version: '1' })),
])('bunyan $version, $kind', (mode) => {
  const service = `logs-bunyan${mode.version}-${mode.kind}`;

  it('exports every line correlated, with severity, body, fields, exception and time; output unchanged but for trace fields', async () => {
    const [result, plain] = await runBesideReference({
      receiver,
      service,
      mode,
      env: { OTEL_LOG_LEVEL: 'debug' },
    });
    expect(result.code).toBe(0);
    expect(plain.code).toBe(0);
    expect(result.stderr).toContain(patchedThrough('bunyan', mode));
    expect(result.stderr).toContain(`"module":"bunyan","version":"${mode.version}.`);

    const out = lines(result.stdout);
    expect(out).toHaveLength(5);
    for (const line of out.slice(0, 4)) {
      expect(JSON.parse(line)).toMatchObject({ trace_id: expect.any(String), trace_flags: '01' });
    }
    expect(out[4]).not.toContain('trace_id');
    expect(out.map(stable)).toEqual(lines(plain.stdout).map(stable));

    const { span, logs } = await telemetryOf(receiver, service, 'bunyan-work', 5);
    expect(logs).toHaveLength(5);
    const login = byBody(logs, 'user ann logged in');
    expect(severityOf(login)).toBe(9);
    expect(login.severityText).toBe('info');
    expect(login.attributes['user.id']).toBe(7);
    expect(login.attributes).not.toHaveProperty('hostname');
    const disk = byBody(logs, 'disk at 91%');
    expect(severityOf(disk)).toBe(13);
    expect(disk.attributes.requestId).toBe('r-1');
    const failed = byBody(logs, 'failed');
    expect(severityOf(failed)).toBe(17);
    expect(failed.attributes).toMatchObject({
      'exception.type': 'Error',
      'exception.message': 'boom',
    });
    expect(severityOf(byBody(logs, 'please drop this debug line'))).toBe(5);
    expectCorrelated(logs, span, ['user ann', 'disk at', 'failed', 'please drop']);
    expect(byBody(logs, 'outside any span').traceId).toBeUndefined();
    expect(receiver.logsOf(service + '-plain')).toEqual([]);
  });

  it('scope all: a dropped record is not written and not exported', async () => {
    const { result, logs } = await runScopeAll({
      receiver,
      service: `${service}-all`,
      mode,
      spanName: 'bunyan-work',
    });
    expect(lines(result.stdout)).toHaveLength(4 + FIRST_OCCURRENCES);
    // Kept records carry the decision taken before bunyan wrote them (bunyan has no template).
    expect(byBody(logs, 'user ann logged in').attributes).toMatchObject({
      'sprintlens.pattern.id': logPattern('user ann logged in').id,
      'sprintlens.sample_rate': 1,
    });
  });
});
