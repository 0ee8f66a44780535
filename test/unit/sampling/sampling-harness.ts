/**
 * Shared pieces of the sampling tests: a real LoggerProvider whose only processor is the
 * sampling processor, in front of a SimpleLogRecordProcessor and an InMemoryLogRecordExporter,
 * and a seeded generator of log streams.
 */
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { Logger } from '@opentelemetry/api-logs';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { createLogSampling } from '../../../src/sampling/create-log-sampling-processor';
import type {
  LogSampling,
  LogSamplingOptions,
} from '../../../src/sampling/create-log-sampling-processor';
import { createRandom } from '../../support/prng';
import type { Random } from '../../support/prng';

export const SEVERITY_NUMBERS = {
  TRACE: SeverityNumber.TRACE,
  DEBUG: SeverityNumber.DEBUG,
  INFO: SeverityNumber.INFO,
  WARN: SeverityNumber.WARN,
  ERROR: SeverityNumber.ERROR,
  FATAL: SeverityNumber.FATAL,
} as const;
export type Sev = keyof typeof SEVERITY_NUMBERS;
export const SEVERITIES = Object.keys(SEVERITY_NUMBERS) as Sev[];

/** A manual clock (ms). */
export class ManualClock {
  constructor(public t = 1_700_000_000_000) {}
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface Pipeline {
  readonly provider: LoggerProvider;
  readonly logger: Logger;
  readonly exporter: InMemoryLogRecordExporter;
  readonly sampling: LogSampling;
  /** Kept records exported so far (drained from the exporter). */
  drain(): ReadableLogRecord[];
  close(): Promise<void>;
}

export function pipeline(options: LogSamplingOptions = {}): Pipeline {
  const exporter = new InMemoryLogRecordExporter();
  const sampling = createLogSampling({
    ...options,
    downstream: new SimpleLogRecordProcessor({ exporter }),
  });
  const provider = new LoggerProvider({ processors: [sampling.processor] });
  const logger = provider.getLogger('sampling-test');
  return {
    provider,
    logger,
    exporter,
    sampling,
    drain() {
      const records = exporter.getFinishedLogRecords().slice();
      exporter.reset();
      return records;
    },
    close: () => provider.shutdown(),
  };
}

/** Templates with variables, so each stays one pattern whatever values it gets. */
const TEMPLATES = [
  (r: Random) => `GET /api/items/${int(r, 1e6)} answered 200 in ${int(r, 900)} ms`,
  (r: Random) => `user ${word(r)} logged in from 10.0.${int(r, 255)}.${int(r, 255)}`,
  (r: Random) => `cache miss for key session:${int(r, 1e9)}`,
  (r: Random) => `job ${int(r, 1e5)} finished after ${int(r, 60)} retries`,
  (r: Random) => `queue depth is ${int(r, 1e4)}`,
  (r: Random) => `payment ${int(r, 1e8)} authorised for ${int(r, 999)}.${int(r, 99)} EUR`,
  (r: Random) => `connection to db-${int(r, 9)}:5432 reset after ${int(r, 1e4)} ms`,
  (r: Random) => `worker ${int(r, 64)} heartbeat`,
  (r: Random) => `request id=${int(r, 1e9)} rejected: quota exceeded`,
  (r: Random) => `flushed ${int(r, 1e5)} rows to table events in ${int(r, 1e3)} ms`,
];
export const TEMPLATE_COUNT = TEMPLATES.length;

function int(r: Random, max: number): number {
  return Math.floor(r() * max);
}
function word(r: Random): string {
  let s = '';
  for (let k = 0; k < 6; k++) s += String.fromCharCode(0x67 + int(r, 20)); // g..z: never hex
  return s;
}

/** A random word of letters g..z (never read as hex), for distinct patterns. */
export function letters(r: Random, length: number): string {
  let s = '';
  for (let k = 0; k < length; k++) s += String.fromCharCode(0x67 + int(r, 20));
  return s;
}

export interface Line {
  severity: Sev;
  message: string;
  /** Index of the template that produced it. */
  pattern: number;
}

/** Seeded stream: severities by `weights`, patterns skewed (template k has weight 1/(k+1)). */
export function* stream(
  seed: number,
  count: number,
  weights: Readonly<Record<Sev, number>>,
): Generator<Line> {
  const r = createRandom(seed);
  const sevCum: [Sev, number][] = [];
  let total = 0;
  for (const s of SEVERITIES) {
    total += weights[s];
    sevCum.push([s, total]);
  }
  const patCum: number[] = [];
  let pt = 0;
  for (let k = 0; k < TEMPLATES.length; k++) {
    pt += 1 / (k + 1);
    patCum.push(pt);
  }
  for (let i = 0; i < count; i++) {
    const x = r() * total;
    let severity: Sev = 'FATAL';
    for (const [s, c] of sevCum) {
      if (x < c) {
        severity = s;
        break;
      }
    }
    const y = r() * pt;
    let pattern = TEMPLATES.length - 1;
    for (let k = 0; k < patCum.length; k++) {
      if (y < (patCum[k] as number)) {
        pattern = k;
        break;
      }
    }
    yield { severity, message: (TEMPLATES[pattern] as (r: Random) => string)(r), pattern };
  }
}

/** Half-width of the 99.9 % normal interval of a binomial count (plus continuity). */
export function binomialHalfWidth(n: number, p: number): number {
  return 3.291 * Math.sqrt(n * p * (1 - p)) + 1;
}

export function sampleRateOf(record: ReadableLogRecord): number {
  const rate = record.attributes['sprintlens.sample_rate'];
  if (typeof rate !== 'number') throw new Error('kept record without sprintlens.sample_rate');
  return rate;
}
