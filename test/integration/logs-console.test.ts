import { describe, expect, it } from 'vitest';
import { templatePattern } from '../../src/sampling/printf-template';
import {
  byBody,
  expectCorrelated,
  modes,
  receiverForFile,
  runBesideReference,
  runScopeAll,
  severityOf,
  telemetryOf,
} from './logs-harness';

const receiver = receiverForFile();

describe.each(modes('logs', 'console'))('console, $kind', (mode) => {
  const service = `logs-console-${mode.kind}`;

  it('exports every call correlated, with severity, util.format body and template; stdout and stderr unchanged', async () => {
    const [result, plain] = await runBesideReference({ receiver, service, mode });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(plain.stdout);
    expect(result.stderr).toBe(plain.stderr);
    expect(result.stdout).toContain('user ann logged in\n');

    const { span, logs } = await telemetryOf(receiver, service, 'console-work', 5);
    expect(logs).toHaveLength(5);
    const login = byBody(logs, 'user ann logged in');
    expect(severityOf(login)).toBe(9);
    expect(login.severityText).toBe('log');
    expect(login.attributes['log.record.template']).toBe('user %s logged in');
    expect(severityOf(byBody(logs, 'disk at 91%'))).toBe(13);
    const failed = byBody(logs, 'failed Error: boom');
    expect(severityOf(failed)).toBe(17);
    expect(failed.attributes).toMatchObject({
      'exception.type': 'Error',
      'exception.message': 'boom',
    });
    expect(severityOf(byBody(logs, 'please drop this debug line'))).toBe(5);
    expectCorrelated(logs, span, ['user ann', 'disk at', 'failed', 'please drop']);
    const outside = byBody(logs, 'outside any span');
    expect(outside.traceId).toBeUndefined();
    expect(severityOf(outside)).toBe(9);
    expect(receiver.logsOf(service + '-plain')).toEqual([]);
  });

  it('scope all: a dropped console line is not printed and not exported', async () => {
    const { result, logs } = await runScopeAll({
      receiver,
      service: `${service}-all`,
      mode,
      spanName: 'console-work',
    });
    expect(result.stdout).toContain('user ann logged in');
    // Kept lines carry the decision taken before console printed them: the template's pattern.
    expect(byBody(logs, 'user ann logged in').attributes).toMatchObject({
      'sprintlens.pattern.id': templatePattern('user %s logged in').id,
      'sprintlens.sample_rate': 1,
    });
  });
});
