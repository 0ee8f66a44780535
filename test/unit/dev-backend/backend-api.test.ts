import { describe, expect, it } from 'vitest';
import {
  MAX_POLICY_PATTERNS,
  PATTERN_ID,
  SEVERITY_NAMES,
  severityClassOf,
} from '../../../dev-backend/backend-api';
import * as sdkSeverity from '../../../src/sampling/severity';
import * as sdkPolicy from '../../../src/sampling/sampling-policy';
import { logPattern } from '../../../src/sampling/log-pattern';

// The dev backend states the contract facts it needs itself (it may import only src/base);
// these checks keep its side and the SDK's side of Backend API v1 in step.
describe('the dev backend and the SDK agree on Backend API v1', () => {
  it('severity classes and their number bands', () => {
    expect(SEVERITY_NAMES).toEqual(sdkSeverity.SEVERITY_NAMES);
    for (let n = 1; n <= 30; n++) {
      expect(severityClassOf(n), `severity ${n}`).toBe(
        sdkSeverity.SEVERITY_NAMES[sdkSeverity.severityClass(n)],
      );
    }
  });

  it('pattern ids and the policy size limit', () => {
    expect(MAX_POLICY_PATTERNS).toBe(sdkPolicy.MAX_POLICY_PATTERNS);
    expect(PATTERN_ID.source).toBe(sdkPolicy.PATTERN_ID.source);
    expect(PATTERN_ID.test(logPattern('user 42 logged in').id)).toBe(true);
  });
});
