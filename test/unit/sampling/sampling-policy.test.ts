import { describe, expect, it } from 'vitest';
import { MAX_POLICY_PATTERNS, parsePolicy } from '../../../src/sampling/sampling-policy';

const valid = {
  version: 'v7',
  ttlSeconds: 300,
  defaultRate: 0.9,
  severityRates: { TRACE: 0.01, DEBUG: 0.05, INFO: 0.2, WARN: 0.5, ERROR: 0 },
  patternRates: { '0123456789abcdef': 0.01 },
};

function reject(doc: unknown): string {
  const result = parsePolicy(typeof doc === 'string' ? doc : JSON.stringify(doc));
  if (result.ok) throw new Error('accepted an invalid policy');
  return result.reason;
}

describe('parsePolicy', () => {
  it('accepts the Backend API v1 shape, ignoring unknown fields and ERROR/FATAL rates', () => {
    const result = parsePolicy(JSON.stringify({ ...valid, futureField: { x: 1 } }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.policy.version).toBe('v7');
    expect(result.policy.defaultRate).toBe(0.9);
    expect(Array.from(result.policy.severityRates)).toEqual([0.01, 0.05, 0.2, 0.5]);
    expect(result.policy.patternRates.get('0123456789abcdef')).toBe(0.01);
  });

  it('leaves unnamed severities as NaN (the default rate applies) and defaults defaultRate to 1', () => {
    const result = parsePolicy('{"version":"x","severityRates":{"INFO":0.3}}');
    expect(result.ok && Array.from(result.policy.severityRates).map(String)).toEqual([
      'NaN',
      'NaN',
      '0.3',
      'NaN',
    ]);
    expect(result.ok && result.policy.defaultRate).toBe(1);
  });

  it.each([
    ['truncated JSON', '{"version": '],
    ['not an object', '[1,2]'],
    ['null', 'null'],
    ['missing version', { defaultRate: 1 }],
    ['version not a string', { version: 3 }],
    ['version too long', { version: 'v'.repeat(129) }],
    ['defaultRate above 1', { version: 'x', defaultRate: 1.5 }],
    ['defaultRate negative', { version: 'x', defaultRate: -0.1 }],
    ['defaultRate a string', { version: 'x', defaultRate: '0.5' }],
    ['severity rate above 1', { version: 'x', severityRates: { INFO: 2 } }],
    ['severity rate NaN-ish', { version: 'x', severityRates: { INFO: null } }],
    ['severityRates an array', { version: 'x', severityRates: [0.1] }],
    ['pattern rate above 1', { version: 'x', patternRates: { '0123456789abcdef': 7 } }],
    ['pattern key not an id', { version: 'x', patternRates: { 'GET /': 0.1 } }],
    ['ttl negative', { version: 'x', ttlSeconds: -1 }],
  ])('rejects %s', (_name, doc) => {
    expect(reject(doc)).toMatch(/./);
  });

  it('rejects more pattern rates than the bound', () => {
    const patternRates: Record<string, number> = {};
    for (let i = 0; i <= MAX_POLICY_PATTERNS; i++) {
      patternRates[i.toString(16).padStart(16, '0')] = 0.5;
    }
    expect(reject({ version: 'x', patternRates })).toMatch(/more than/);
  });

  it('never pollutes a prototype, whatever __proto__ / constructor keys the document holds', () => {
    const texts = [
      '{"version":"x","__proto__":{"polluted":1}}',
      '{"version":"x","patternRates":{"__proto__":{"polluted":1}}}',
      '{"version":"x","patternRates":{"__proto__":0.5}}',
      '{"version":"x","severityRates":{"__proto__":{"polluted":1}}}',
      '{"version":"x","severityRates":{"__proto__":0.5,"constructor":0.5,"INFO":0.1}}',
      '{"version":"x","constructor":{"prototype":{"polluted":1}}}',
    ];
    const outcomes = texts.map((text) => parsePolicy(text).ok);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    // __proto__ as a pattern key is not a pattern id: the whole policy is rejected.
    expect(outcomes).toEqual([true, false, false, false, true, true]);
    const ok = parsePolicy(texts[4] as string);
    expect(ok.ok && Array.from(ok.policy.severityRates)[2]).toBe(0.1);
  });
});
