import { describe, expect, it } from 'vitest';
import { InstrumentationBase } from '@opentelemetry/instrumentation';
import type { InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import { selectInstrumentations } from '../../../src/get-instrumentations';
import { hookedModules, INSTRUMENTATIONS } from '../../../instrumentations/registry';
import type { InstrumentationEntry } from '../../../instrumentations/registry';

/** A real (empty) OTel instrumentation: selection only needs something to build. */
class EmptyInstrumentation extends InstrumentationBase {
  constructor(name: string) {
    super(`test-${name}`, '0.0.0', {});
  }
  protected init(): InstrumentationModuleDefinition[] {
    return [];
  }
}

const entry = (name: string, modules: string[], implemented = true): InstrumentationEntry => ({
  name,
  modules,
  ...(implemented ? { create: () => new EmptyInstrumentation(name) } : {}),
});
const entries = [
  entry('openai', ['openai']),
  entry('pino', ['pino']),
  entry('console', []),
  entry('winston', ['winston'], false),
];

describe('selectInstrumentations', () => {
  it('all implemented ones by default', () => {
    const names = selectInstrumentations(
      { enabledInstrumentations: undefined, disabledInstrumentations: [] },
      entries,
    ).map((e) => e.name);
    expect(names).toEqual(['openai', 'pino', 'console']);
  });

  it('the enabled list, minus the disabled list', () => {
    const names = selectInstrumentations(
      {
        enabledInstrumentations: ['openai', 'pino', 'winston'],
        disabledInstrumentations: ['pino'],
      },
      entries,
    ).map((e) => e.name);
    expect(names).toEqual(['openai']);
  });

  it('the ES-module hook intercepts only the selected packages', () => {
    const selected = selectInstrumentations(
      { enabledInstrumentations: ['pino', 'console'], disabledInstrumentations: [] },
      entries,
    );
    expect(hookedModules(selected)).toEqual(['pino']);
  });

  it('the registry names are the contract names, unique', () => {
    const names = INSTRUMENTATIONS.map((e) => e.name);
    expect(names).toEqual([
      'openai',
      'anthropic',
      'langchain',
      'pino',
      'winston',
      'bunyan',
      'console',
    ]);
  });
});
