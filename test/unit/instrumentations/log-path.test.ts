/**
 * The log line path around the sampler: the sampler is handed to an instrumentation (or
 * followed when published), each line is decided once, and the decision crosses the SDK as an
 * internal hand-off that the sampling processor turns into the exported attributes.
 */
import { SeverityNumber } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handLogSampler } from '../../../instrumentations/logs-common/instrumentation';
import { PinoInstrumentation } from '../../../instrumentations/pino';
import { createLogSampling } from '../../../src/sampling/create-log-sampling-processor';
import type { LogSampling } from '../../../src/sampling/create-log-sampling-processor';
import {
  PATTERN_ID_ATTRIBUTE,
  SAMPLE_RATE_ATTRIBUTE,
  setActiveLogSampler,
  TEMPLATE_ATTRIBUTE,
} from '../../../src/sampling/log-sampler';
import { templatePattern } from '../../../src/sampling/printf-template';
import { REPO_ROOT } from '../../support/paths';
import { LineSink } from '../../support/log-instrumentation/harness';

type LogFn = (...args: unknown[]) => void;
type PinoFactory = (options: object, stream: object) => Record<'debug' | 'info' | 'error', LogFn>;

const instrumentation = new PinoInstrumentation();
const pino = createRequire(join(REPO_ROOT, 'package.json'))('pino') as PinoFactory;

/** What each processor saw of a record when it was its turn. */
interface Seen {
  body: unknown;
  attributes: Record<string, unknown>;
}

const open: LogSampling[] = [];
afterEach(async () => {
  setActiveLogSampler(undefined);
  instrumentation.setLogSampler(undefined);
  await Promise.all(open.splice(0).map((s) => s.shutdown()));
});

/** A sampling (DEBUG dropped, INFO kept, no first occurrences) and a provider around it. */
function setup(scope: 'export' | 'all' = 'export') {
  const before: Seen[] = [];
  const after: Seen[] = [];
  const recorder = (into: Seen[]): LogRecordProcessor => ({
    onEmit: (record: ReadWriteLogRecord) =>
      void into.push({ body: record.body, attributes: { ...record.attributes } }),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  });
  const sampling = createLogSampling({
    scope,
    rates: { TRACE: 0, DEBUG: 0, INFO: 1, WARN: 1 },
    firstOccurrences: 0,
    downstream: recorder(after),
  });
  open.push(sampling);
  // The recorder in front sees each record before the sampling processor has stamped it.
  const provider = new LoggerProvider({ processors: [recorder(before), sampling.processor] });
  instrumentation.setLoggerProvider(provider);
  const sink = new LineSink();
  const log = pino({ level: 'debug', timestamp: false, base: undefined }, sink);
  return { sampling, provider, before, after, sink, log };
}

describe('the sampler of a log instrumentation', () => {
  it('is the one handed to it, whatever is published; taken back, it follows the published one', () => {
    const handed = setup();
    const published = setup();
    const decideHanded = vi.spyOn(handed.sampling.sampler, 'decideRecord');
    const decidePublished = vi.spyOn(published.sampling.sampler, 'decideRecord');
    instrumentation.setLoggerProvider(handed.provider);
    handLogSampler([instrumentation], handed.sampling.sampler);
    setActiveLogSampler(published.sampling.sampler);
    handed.log.info('handed %s', 'one');
    expect(decideHanded).toHaveBeenCalledTimes(1);
    expect(decidePublished).not.toHaveBeenCalled();
    instrumentation.setLogSampler(undefined);
    instrumentation.setLoggerProvider(published.provider);
    handed.log.info('published %s', 'two');
    expect(decideHanded).toHaveBeenCalledTimes(1);
    expect(decidePublished).toHaveBeenCalledTimes(1);
    expect(published.after.map((r) => r.body)).toEqual(['published two']);
    setActiveLogSampler(undefined);
    instrumentation.setLoggerProvider(new LoggerProvider());
    handed.log.info('none %s', 'three');
    expect(decideHanded).toHaveBeenCalledTimes(1);
    expect(decidePublished).toHaveBeenCalledTimes(1);
  });

  it('follows the published sampler without looking it up per line', () => {
    const { sampling, log } = setup('all');
    const key = Symbol.for('sprintlens.log-sampler.publication');
    const holder = globalThis as unknown as Record<symbol, unknown>;
    let reads = 0;
    let stored = holder[key];
    Object.defineProperty(globalThis, key, {
      configurable: true,
      get: () => (reads++, stored),
      set: (value) => (stored = value),
    });
    try {
      setActiveLogSampler(sampling.sampler); // one change: looked up here
      const afterChange = reads;
      for (let i = 0; i < 100; i++) log.debug('dropped %d', i);
      expect(reads).toBe(afterChange); // not once per line
      expect(sampling.sampler.seen.reduce((a, b) => a + b)).toBe(100);
    } finally {
      Object.defineProperty(globalThis, key, { configurable: true, writable: true, value: stored });
    }
  });
});

describe('one decision per line', () => {
  it('is taken before the write; the processor stamps the record with it, once', () => {
    const { sampling, before, after, sink, log } = setup('export');
    instrumentation.setLogSampler(sampling.sampler);
    const decide = vi.spyOn(sampling.sampler, 'decideRecord');
    log.debug('dropped %s', 'line');
    log.info('kept %s', 'line');
    log.error('an error');
    expect(sink.lines).toHaveLength(3); // scope export: every line is written
    expect(decide).toHaveBeenCalledTimes(3); // each line decided once, by the instrumentation
    // Before the sampling processor the record carries no decision attribute: the decision
    // travels in the hand-off, and the processor writes the attributes once.
    expect(before.map((r) => r.body)).toEqual(['kept line', 'an error']);
    for (const record of before) {
      expect(record.attributes).not.toHaveProperty(PATTERN_ID_ATTRIBUTE);
      expect(record.attributes).not.toHaveProperty(SAMPLE_RATE_ATTRIBUTE);
      expect(record.attributes).not.toHaveProperty(TEMPLATE_ATTRIBUTE);
    }
    const kept = templatePattern('kept %s');
    expect(after[0]!.attributes).toEqual({
      [PATTERN_ID_ATTRIBUTE]: kept.id,
      [TEMPLATE_ATTRIBUTE]: kept.template,
      [SAMPLE_RATE_ATTRIBUTE]: 1,
    });
    expect(after[1]!.attributes[SAMPLE_RATE_ATTRIBUTE]).toBe(1);
    expect(sampling.sampler.handoff.pending).toBe(false);
  });

  it('a record emitted without a decision (another source) is decided by the processor', () => {
    const { sampling, after } = setup('export');
    instrumentation.setLogSampler(sampling.sampler);
    const logger = new LoggerProvider({ processors: [sampling.processor] }).getLogger('app');
    logger.emit({ severityNumber: SeverityNumber.INFO, body: 'user ann logged in' });
    logger.emit({ severityNumber: SeverityNumber.DEBUG, body: 'user bob logged in' });
    expect(after.map((r) => r.body)).toEqual(['user ann logged in']);
    expect(after[0]!.attributes[TEMPLATE_ATTRIBUTE]).toBe('user <*> logged in');
  });

  it('a decision not taken (no sampling processor on the provider) is withdrawn after the emit', () => {
    const { sampling, log } = setup('export');
    instrumentation.setLogSampler(sampling.sampler);
    const seen: Seen[] = [];
    instrumentation.setLoggerProvider(
      new LoggerProvider({
        processors: [
          {
            onEmit: (record: ReadWriteLogRecord) =>
              void seen.push({ body: record.body, attributes: { ...record.attributes } }),
            forceFlush: () => Promise.resolve(),
            shutdown: () => Promise.resolve(),
          },
        ],
      }),
    );
    log.info('kept %s', 'line');
    expect(seen.map((r) => r.body)).toEqual(['kept line']);
    expect(sampling.sampler.handoff.pending).toBe(false);
    // The next record through the sampling processor is decided on its own.
    const logger = new LoggerProvider({ processors: [sampling.processor] }).getLogger('app');
    const decide = vi.spyOn(sampling.sampler, 'decideRecord');
    logger.emit({ severityNumber: SeverityNumber.INFO, body: 'another' });
    expect(decide).toHaveBeenCalledTimes(1);
  });
});
