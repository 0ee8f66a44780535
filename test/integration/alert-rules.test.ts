import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths';
import { requirePrometheusTool } from '../support/prometheus';

const RULES_DIR = join(REPO_ROOT, 'deploy/prometheus');

/** Runs promtool in the rules folder; fails (never skips) when it is not installed. */
function promtool(...args: string[]): { status: number | null; output: string } {
  requirePrometheusTool('promtool');
  const result = spawnSync('promtool', args, { cwd: RULES_DIR, encoding: 'utf8' });
  if (result.error !== undefined) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('shipped Prometheus alert rules (deploy/prometheus)', () => {
  it('promtool check rules accepts them', () => {
    const { status, output } = promtool('check', 'rules', 'sprintlens-alerts.yml');
    expect(status, output).toBe(0);
    expect(output).toContain('SUCCESS: 6 rules found');
  });

  it('promtool test rules passes every unit test', () => {
    const { status, output } = promtool('test', 'rules', 'sprintlens-alerts.test.yml');
    expect(status, output).toBe(0);
    expect(output).toContain('SUCCESS');
  });
});
