import { describe, expect, it } from 'vitest';
import {
  hookedModules,
  INSTRUMENTATION_CATALOGUE,
} from '../../../src/config/instrumentation-catalogue';
import { getInstrumentations } from '../../../src/get-instrumentations';

const LOG_SCOPES = [
  '@sprintlens/instrumentation-pino',
  '@sprintlens/instrumentation-winston',
  '@sprintlens/instrumentation-bunyan',
  '@sprintlens/instrumentation-console',
];

describe('log instrumentations in the registry', () => {
  it('getInstrumentations() builds all four; the disabled list removes one', () => {
    const all = getInstrumentations();
    const without = getInstrumentations({ disabledInstrumentations: ['console'] });
    try {
      expect(all.map((i) => i.instrumentationName)).toEqual(expect.arrayContaining(LOG_SCOPES));
      const names = without.map((i) => i.instrumentationName);
      expect(names).toEqual(expect.arrayContaining(LOG_SCOPES.slice(0, 3)));
      expect(names).not.toContain('@sprintlens/instrumentation-console');
    } finally {
      for (const instrumentation of [...all, ...without]) instrumentation.disable();
    }
  });

  it('the ES-module hook intercepts exactly the packages the log instrumentations patch', () => {
    const logs = INSTRUMENTATION_CATALOGUE.filter((e) =>
      ['pino', 'winston', 'bunyan', 'console'].includes(e.name),
    );
    expect(logs.every((e) => e.status === 'available')).toBe(true);
    expect(hookedModules(logs)).toEqual(['pino', 'winston', 'bunyan']);
  });
});
