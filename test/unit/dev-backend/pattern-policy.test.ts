import { describe, expect, it } from 'vitest';
import {
  BudgetPolicies,
  budgetRate,
  isAlwaysKept,
  perMinuteRate,
  roundRateDown,
} from '../../../dev-backend/pattern-policy';
import type { PolicyChange, RequestRecord } from '../../../dev-backend/types';
import { MAX_POLICY_PATTERNS, parsePolicy } from '../../../src/sampling/sampling-policy';
import { DEFAULT_POLICY } from '../../support/backend';
import { patternReport as report } from '../../support/pattern-report';

const ID_A = 'aaaaaaaaaaaaaaaa';
const ID_B = 'bbbbbbbbbbbbbbbb';
const ID_C = 'cccccccccccccccc';
const ID_ERR = 'eeeeeeeeeeeeeeee';

function policies(budgetPerMinute = 100) {
  const changes: PolicyChange[] = [];
  const budget = new BudgetPolicies({
    budgetPerMinute,
    base: DEFAULT_POLICY,
    ttlSeconds: 60,
    apply: (change) => changes.push(change),
  });
  /** Feeds a report as the backend does; returns the change it applied, if any. */
  const receive = (received: ReturnType<typeof report>): PolicyChange | undefined => {
    const before = changes.length;
    budget.patternReportReceived({ request: {} as RequestRecord, report: received });
    return changes.length > before ? changes.at(-1) : undefined;
  };
  /** The policy last applied to a service. */
  const policyOf = (service: string) =>
    changes.findLast((change) => change.service === service)?.policy;
  return { budget, changes, receive, policyOf };
}

describe('rate arithmetic', () => {
  it('computes lines a minute from the window, with a floor of one second', () => {
    const window = { windowStart: '2026-01-01T10:00:00Z', windowEnd: '2026-01-01T10:10:00Z' };
    expect(perMinuteRate({ count: 1200, ...window })).toBe(120);
    expect(
      perMinuteRate({
        count: 10,
        windowStart: '2026-01-01T10:00:00.000Z',
        windowEnd: '2026-01-01T10:00:00.005Z',
      }),
    ).toBe(600);
    expect(
      perMinuteRate({ count: 1, windowStart: window.windowEnd, windowEnd: window.windowStart }),
    ).toBeUndefined();
  });

  it('gives budget/rate above the budget, nothing at or under it', () => {
    expect(budgetRate(1000, 100)).toBe(0.1);
    expect(budgetRate(300, 100)).toBe(0.333);
    expect(budgetRate(100, 100)).toBeUndefined();
    expect(budgetRate(99, 100)).toBeUndefined();
    expect(budgetRate(1e12, 1)).toBeGreaterThan(0);
  });

  it('rounds down to 3 significant digits, never to 0 and never above 1', () => {
    expect(roundRateDown(0.5)).toBe(0.5);
    expect(roundRateDown(0.123456)).toBe(0.123);
    expect(roundRateDown(0.000123456)).toBe(0.000123);
    expect(roundRateDown(2 / 3)).toBe(0.666);
    expect(roundRateDown(7)).toBe(1);
    expect(roundRateDown(1e-20)).toBeGreaterThan(0);
  });

  it('knows ERROR and FATAL (and their 2..4 variants) are always kept', () => {
    for (const severity of ['ERROR', 'FATAL', 'error', 'FATAL4', 'ERROR2']) {
      expect(isAlwaysKept(severity)).toBe(true);
    }
    for (const severity of ['WARN', 'INFO', undefined, '', 'ERRORS']) {
      expect(isAlwaysKept(severity)).toBe(false);
    }
  });
});

describe('BudgetPolicies', () => {
  it('gives over-budget patterns budget/rate, omits the others and ERROR/FATAL ones', () => {
    const { budget, changes } = policies(100);
    const change = budget.update(
      report([
        { id: ID_A, count: 1000 }, // 1000/min: 10x the budget
        { id: ID_B, count: 50 }, // under budget
        { id: ID_ERR, count: 100_000, severity: 'ERROR' },
        { id: 'not-a-pattern-id', count: 100_000 },
      ]),
    );
    expect(change).toEqual({
      service: 'checkout',
      policy: {
        version: 'patterns-1',
        ttlSeconds: 60,
        defaultRate: DEFAULT_POLICY.defaultRate,
        severityRates: DEFAULT_POLICY.severityRates,
        patternRates: { [ID_A]: 0.1 },
      },
    });
    expect(changes).toHaveLength(0); // update() only computes; the observer hook applies
    // The SDK accepts what is served.
    const parsed = parsePolicy(JSON.stringify(change?.policy));
    expect(parsed.ok).toBe(true);
  });

  it('gives no pattern rate where the severity rate already keeps fewer lines', () => {
    const { budget } = policies(100);
    const change = budget.update(
      report([
        { id: ID_A, count: 200, severity: 'INFO' }, // 2x the budget: 0.5, but INFO keeps 0.2
        { id: ID_B, count: 200, severity: 'WARN' }, // 0.5, and WARN keeps 0.5: no change
        { id: ID_C, count: 2000, severity: 'DEBUG' }, // 0.05, DEBUG keeps 0.05: no change
      ]),
    );
    expect(change).toBeUndefined();
    expect(
      budget.update(report([{ id: ID_A, count: 1000, severity: 'INFO' }]))?.policy,
    ).toMatchObject({ patternRates: { [ID_A]: 0.1 } });
  });

  it('changes the version only when the rates change', () => {
    const { receive, policyOf } = policies(100);
    expect(receive(report([{ id: ID_A, count: 1000 }]))?.policy.version).toBe('patterns-1');
    // Same rate again (a steady pattern): no new policy.
    expect(receive(report([{ id: ID_A, count: 1000 }]))).toBeUndefined();
    // A rate that rounds to the same 3 digits: no new policy either.
    expect(receive(report([{ id: ID_A, count: 999.6 }]))).toBeUndefined();
    // Reports that leave a pattern out do not drop it.
    expect(receive(report([{ id: ID_B, count: 10 }]))).toBeUndefined();
    // Busier: a new version with a lower rate.
    const busier = receive(report([{ id: ID_A, count: 4000 }]));
    expect(busier?.policy).toMatchObject({
      version: 'patterns-2',
      patternRates: { [ID_A]: 0.025 },
    });
    // Back under budget: the rate goes, a new version.
    const calm = receive(report([{ id: ID_A, count: 10 }]));
    expect(calm?.policy).toMatchObject({ version: 'patterns-3', patternRates: {} });
    expect(policyOf('checkout')?.version).toBe('patterns-3');
  });

  it('keeps one policy per service', () => {
    const { receive, policyOf } = policies(100);
    receive(report([{ id: ID_A, count: 1000 }], { service: 'a' }));
    receive(report([{ id: ID_A, count: 200 }], { service: 'b', severity: 'TRACE' }));
    expect(policyOf('a')?.patternRates).toEqual({ [ID_A]: 0.1 });
    // 2x the budget would give 0.5; TRACE lines are kept at 0.01 already: no pattern rate.
    expect(policyOf('b')).toBeUndefined();
    receive(report([{ id: ID_A, count: 2000 }], { service: 'b' }));
    expect(policyOf('b')?.patternRates).toEqual({ [ID_A]: 0.05 });
    expect(policyOf('c')).toBeUndefined();
  });

  it('uses the window length: the same count over ten minutes is a tenth of the rate', () => {
    const { budget } = policies(100);
    expect(budget.update(report([{ id: ID_A, count: 1000 }], { minutes: 10 }))).toBeUndefined();
    expect(
      budget.update(report([{ id: ID_A, count: 20_000 }], { minutes: 10 }))?.policy.patternRates,
    ).toEqual({ [ID_A]: 0.05 });
  });

  it('caps the pattern rates at what the SDK accepts, keeping the strongest reductions', () => {
    const { budget } = policies(1);
    const many = Array.from({ length: MAX_POLICY_PATTERNS + 5 }, (_, index) => ({
      id: index.toString(16).padStart(16, '0'),
      count: 10 + index,
    }));
    const change = budget.update(report(many));
    const rates = change?.policy.patternRates ?? {};
    expect(Object.keys(rates)).toHaveLength(MAX_POLICY_PATTERNS);
    expect(rates['0000000000000000']).toBeUndefined(); // the weakest reduction went
    expect(parsePolicy(JSON.stringify(change?.policy)).ok).toBe(true);
  });
});
