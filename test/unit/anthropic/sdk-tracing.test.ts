import { describe, expect, it } from 'vitest';
import { withoutSdkSpan } from '../../../instrumentations/anthropic/sdk-tracing';

describe('withoutSdkSpan', () => {
  it('hides the tracer only while the call runs, and restores it even when the call throws', () => {
    const tracer = { name: 'sdk' };
    const client = { _tracer: tracer as unknown };
    expect(withoutSdkSpan(client, () => client._tracer)).toBeUndefined();
    expect(client._tracer).toBe(tracer);
    expect(() =>
      withoutSdkSpan(client, () => {
        throw new Error('from the SDK');
      }),
    ).toThrow('from the SDK');
    expect(client._tracer).toBe(tracer);
  });

  it('leaves clients without a tracer (older SDKs, tracing off) and frozen clients alone', () => {
    expect(withoutSdkSpan({}, () => 1)).toBe(1);
    expect(withoutSdkSpan({ _tracer: undefined }, () => 2)).toBe(2);
    expect(withoutSdkSpan(undefined, () => 3)).toBe(3);
    const frozen = Object.freeze({ _tracer: { name: 'sdk' } });
    expect(withoutSdkSpan(frozen, () => frozen._tracer)).toEqual({ name: 'sdk' });
  });
});
