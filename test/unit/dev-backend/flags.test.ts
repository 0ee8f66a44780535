import { describe, expect, it } from 'vitest';
import { DevBackendInvalidFlagError } from '../../../dev-backend/errors';
import { describeFaults, parseDevBackendFlags } from '../../../dev-backend/flags';

function problem(args: string[]): DevBackendInvalidFlagError {
  try {
    parseDevBackendFlags(args);
  } catch (error: unknown) {
    if (error instanceof DevBackendInvalidFlagError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(args)} to be rejected`);
}

describe('dev-backend flags', () => {
  it('has documented defaults', () => {
    expect(parseDevBackendFlags([])).toEqual({
      help: false,
      port: 4318,
      host: '127.0.0.1',
      dataFile: undefined,
      apiKey: undefined,
      budgetPerMinute: 1000,
      policyTtlSeconds: 300,
      summaryIntervalSeconds: 10,
      seed: 1,
      faults: {},
    });
  });

  it('reads every flag, in both --flag value and --flag=value forms', () => {
    const flags = parseDevBackendFlags([
      '--port=0',
      '--host',
      '0.0.0.0',
      '--data-file',
      'out.jsonl',
      '--api-key=sl-key-1',
      '--budget-per-minute',
      '250.5',
      '--policy-ttl',
      '30',
      '--summary-interval',
      '0',
      '--quiet',
      '--seed',
      '42',
    ]);
    expect(flags).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      dataFile: 'out.jsonl',
      apiKey: 'sl-key-1',
      budgetPerMinute: 250.5,
      policyTtlSeconds: 30,
      summaryIntervalSeconds: 0,
      seed: 42,
    });
    // --quiet alone: no periodic summary, as with an interval of 0.
    expect(parseDevBackendFlags(['--quiet']).summaryIntervalSeconds).toBe(0);
    expect(parseDevBackendFlags(['--help']).help).toBe(true);
    expect(parseDevBackendFlags(['-h']).help).toBe(true);
  });

  it('maps the fault flags onto a FaultScript', () => {
    const { faults } = parseDevBackendFlags([
      '--fault-status-ratio',
      '503:0.5',
      '--fault-status-sequence',
      '429, 503,200',
      '--fault-retry-after',
      '2',
      '--fault-outage-seconds',
      '1.5',
      '--fault-outage-mode',
      'refuse',
      '--fault-outage-after',
      '0.25',
      '--fault-max-body-bytes',
      '16384',
      '--fault-latency-ms',
      '5-20',
      '--fault-reset-ratio',
      '0.1',
      '--fault-partial-success',
      '3',
      '--fault-routes',
      'traces,logs',
    ]);
    expect(faults).toEqual({
      routes: ['traces', 'logs'],
      randomFailure: { status: 503, ratio: 0.5 },
      statusSequence: { statuses: [429, 503, 200] },
      retryAfter: 2,
      outage: { mode: 'refuse', durationMs: 1500, startAfterMs: 250 },
      maxBodyBytes: { bytes: 16384 },
      latency: { ms: [5, 20] },
      resetMidRequest: { ratio: 0.1, afterBytes: 1 },
      partialSuccess: { rejected: 3, errorMessage: expect.any(String) },
    });
    expect(parseDevBackendFlags(['--fault-latency-ms', '250']).faults.latency).toEqual({ ms: 250 });
    expect(parseDevBackendFlags(['--fault-outage-seconds', '2']).faults.outage).toEqual({
      mode: 'unavailable',
      durationMs: 2000,
    });
    const described = describeFaults(faults, 7).join('\n');
    expect(described).toContain('answer 503 to 50% of requests (seed 7)');
    expect(described).toContain('refuse connections for 1.5 s starting 0.25 s after the start');
    expect(described).toContain('(faults apply to: traces, logs)');
    expect(describeFaults({}, 1)).toEqual([]);
  });

  it.each([
    [['--port', '70000'], '--port', '"70000" is not a port number'],
    [['--port', '-1'], '--port', '"-1" is not a port number'],
    [['--port'], '--port', 'needs a value'],
    [['--port', '--quiet'], '--port', 'needs a value'],
    [['--budget-per-minute', '0'], '--budget-per-minute', 'is not a positive number'],
    [['--budget-per-minute', 'lots'], '--budget-per-minute', '"lots" is not a positive number'],
    [['--policy-ttl', '0'], '--policy-ttl', 'is not a number of seconds between 1 and 604800'],
    [['--summary-interval', '-5'], '--summary-interval', 'is not a number of seconds'],
    [['--fault-status-ratio', '503'], '--fault-status-ratio', 'is not STATUS:RATIO'],
    [['--fault-status-ratio', '503:1.5'], '--fault-status-ratio', 'is not a ratio between 0 and 1'],
    [['--fault-status-ratio', '999:0.5'], '--fault-status-ratio', 'is not an HTTP status'],
    [['--fault-latency-ms', '20-5'], '--fault-latency-ms', 'MIN <= MAX'],
    [['--fault-outage-mode', 'refuse'], '--fault-outage-mode', 'needs --fault-outage-seconds'],
    [
      ['--fault-outage-seconds', '1', '--fault-outage-mode', 'off'],
      '--fault-outage-mode',
      '"unavailable" or "refuse"',
    ],
    [['--fault-routes', 'traces,spans'], '--fault-routes', 'a list of routes among traces, logs'],
    [['--fault-reset-ratio', '2'], '--fault-reset-ratio', 'is not a ratio'],
    [['--seed', '1.5'], '--seed', 'is not an integer seed'],
    [['--frobnicate'], '--frobnicate', 'unknown flag'],
    [['stray'], 'stray', 'unexpected argument'],
    [['--quiet=yes'], '--quiet', 'takes no value'],
    [['--port', '1', '--port=2'], '--port', 'given more than once'],
    [['--host', 'two words'], '--host', 'is not a host name or address'],
  ])('rejects %j with a clear message', (args, flag, message) => {
    const error = problem(args);
    expect(error.code).toBe('SL_DEV_BACKEND_INVALID_FLAG');
    expect(error.message.startsWith(`${flag}: `)).toBe(true);
    expect(error.message).toContain(message);
    expect(error.message).toContain('sprintlens dev-backend --help');
  });

  it('never echoes a rejected API key', () => {
    const error = problem(['--api-key', 'secret with spaces']);
    expect(error.message).toContain('--api-key');
    expect(error.message).not.toContain('secret');
  });
});
