import { InstrumentationBase } from '@opentelemetry/instrumentation';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { VERSION } from '../../src/base/version';
import { followActiveLogSampler, getActiveLogSampler } from '../../src/sampling/log-sampler';
import type { ActiveLogSamplerFollower, LogSampler } from '../../src/sampling/log-sampler';
import type { LogInstrumentationConfig } from './config';
import { addLogLineMetrics } from './counters';

/**
 * What every log instrumentation (pino, winston, bunyan, console) shares: the sampler it asks
 * once per line, and the counters of what it did not pass on.
 *
 * The sampler is handed to it: `start()` calls {@link setLogSampler} with the sampler it built.
 * An instrumentation nobody handed one (in a user's own `NodeSDK`) follows the sampler that
 * `createLogSamplingProcessor()` published, told of each change rather than looking it up per
 * line.
 */
export abstract class LogInstrumentationBase
  extends InstrumentationBase<LogInstrumentationConfig>
  implements ActiveLogSamplerFollower
{
  /** The sampler asked per line: the one handed, else the published one; none: no sampling. */
  protected logSampler: LogSampler | undefined;
  private handedSampler: LogSampler | undefined;

  constructor(name: string, config: LogInstrumentationConfig) {
    super(name, VERSION, config);
    this.handedSampler = undefined;
    this.logSampler = followActiveLogSampler(this);
    addLogLineMetrics();
  }

  /**
   * Hands this instrumentation the sampler to ask before a line is written (`start()` does,
   * with the one it built). `undefined` takes it back: the instrumentation follows the
   * published sampler again.
   */
  setLogSampler(sampler: LogSampler | undefined): void {
    this.handedSampler = sampler;
    this.logSampler = sampler ?? getActiveLogSampler();
  }

  /**
   * Called by the sampling layer when the published sampler changes (not for apps); a handed
   * sampler takes precedence.
   */
  activeLogSamplerChanged(sampler: LogSampler | undefined): void {
    if (this.handedSampler === undefined) this.logSampler = sampler;
  }
}

/** Hands `sampler` to the log instrumentations among `instrumentations` (`start()` does). */
export function handLogSampler(
  instrumentations: readonly Instrumentation[],
  sampler: LogSampler | undefined,
): void {
  for (const instrumentation of instrumentations) {
    if (instrumentation instanceof LogInstrumentationBase) instrumentation.setLogSampler(sampler);
  }
}
