/**
 * Importing the log line path has no side effect: no metric, no published sampler, no patch.
 * The metrics appear when a part is built (an instrumentation, a sampling).
 */
import { describe, expect, it } from 'vitest';

const SELF_METRICS = Symbol.for('sprintlens.self-metrics');
const PUBLICATION = Symbol.for('sprintlens.log-sampler.publication');
const holder = globalThis as unknown as Record<symbol, unknown>;

describe('importing the log line path', () => {
  it('registers nothing; building an instrumentation adds its counters', async () => {
    const consoleLog = console.log;
    const pino = await import('../../../instrumentations/pino/index.js');
    await import('../../../instrumentations/winston/index.js');
    await import('../../../instrumentations/bunyan/index.js');
    await import('../../../instrumentations/console/index.js');
    await import('../../../instrumentations/logs-common/instrumentation.js');
    await import('../../../src/sampling/create-log-sampling-processor.js');
    await import('../../../src/sampling/log-sampling.js');
    await import('../../../src/sampling/sampler-metrics.js');
    await import('../../../src/base/text.js');
    expect(holder[SELF_METRICS]).toBeUndefined();
    expect(holder[PUBLICATION]).toBeUndefined();
    expect(console.log).toBe(consoleLog);

    const instrumentation = new pino.PinoInstrumentation({ enabled: false });
    const { selfMetrics } = await import('../../../src/base/self-metrics.js');
    const text = await selfMetrics().registry.metrics();
    expect(text).toContain('sprintlens_log_lines_not_written_total 0');
    expect(text).toContain('sprintlens_log_emit_failures_total 0');
    expect(text).not.toContain('sprintlens_log_sampler_records_seen_total');
    instrumentation.disable();
  });
});
