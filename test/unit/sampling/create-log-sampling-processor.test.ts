/**
 * createLogSamplingProcessor: options over the configuration of start() (SPRINTLENS_LOG_RATES),
 * rates severity by severity.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogSamplingProcessor } from '../../../src/sampling/create-log-sampling-processor';
import type { LogSamplingProcessor } from '../../../src/sampling/log-sampling-processor';
import { SEVERITY_NUMBERS } from './sampling-harness';

let processor: LogSamplingProcessor | undefined;
afterEach(async () => {
  await processor?.shutdown();
  processor = undefined;
  vi.unstubAllEnvs();
});

/** 1/p the sampler uses for a fresh line of `severity` (no first occurrences). */
function sampleRate(p: LogSamplingProcessor, severity: keyof typeof SEVERITY_NUMBERS): number {
  p.sampler.decideRecord(SEVERITY_NUMBERS[severity], `a ${severity} line`, undefined, undefined);
  return p.sampler.outSampleRate;
}

describe('createLogSamplingProcessor', () => {
  it('merges rates per severity: an option names INFO, SPRINTLENS_LOG_RATES keeps the others', () => {
    vi.stubEnv('SPRINTLENS_ENDPOINT', '');
    vi.stubEnv('SPRINTLENS_LOG_RATES', 'DEBUG=0.25,INFO=0.1,WARN=0.125');
    processor = createLogSamplingProcessor({ rates: { INFO: 0.5 }, firstOccurrences: 0 });
    expect(sampleRate(processor, 'INFO')).toBe(2); // the option
    expect(sampleRate(processor, 'DEBUG')).toBe(4); // SPRINTLENS_LOG_RATES
    expect(sampleRate(processor, 'WARN')).toBe(8); // SPRINTLENS_LOG_RATES
    expect(sampleRate(processor, 'TRACE')).toBe(100); // neither: the default 0.01
  });

  it('without rate options uses SPRINTLENS_LOG_RATES as it is', () => {
    vi.stubEnv('SPRINTLENS_ENDPOINT', '');
    vi.stubEnv('SPRINTLENS_LOG_RATES', 'INFO=0.25');
    processor = createLogSamplingProcessor({ firstOccurrences: 0 });
    expect(sampleRate(processor, 'INFO')).toBe(4);
    expect(sampleRate(processor, 'DEBUG')).toBe(20); // the default 0.05
  });
});
