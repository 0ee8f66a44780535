import { describe, expect, it } from 'vitest';
import {
  hookedModules,
  INSTRUMENTATION_CATALOGUE,
  INSTRUMENTATION_NAMES,
  selectInstrumentations,
} from '../../../src/config/instrumentation-catalogue';
import { INSTRUMENTATION_FACTORIES } from '../../../instrumentations/registry';

const names = (config: Parameters<typeof selectInstrumentations>[0]): string[] =>
  selectInstrumentations(config).map((e) => e.name);

describe('selectInstrumentations', () => {
  it('every available one by default, never a reserved one', () => {
    expect(names({ enabledInstrumentations: undefined, disabledInstrumentations: [] })).toEqual([
      'http',
      'undici',
      'express',
      'koa',
      'fastify',
      'openai',
      'anthropic',
      'ai-sdk',
      'google-genai',
      'bedrock',
      'langchain',
      'pino',
      'winston',
      'bunyan',
      'console',
    ]);
  });

  it('the enabled list, minus the disabled list', () => {
    expect(
      names({
        enabledInstrumentations: ['openai', 'pino', 'langchain'],
        disabledInstrumentations: ['pino'],
      }),
    ).toEqual(['openai', 'langchain']);
  });

  it('the ES-module hook intercepts only the selected packages', () => {
    const selected = selectInstrumentations({
      enabledInstrumentations: ['pino', 'console'],
      disabledInstrumentations: [],
    });
    expect(hookedModules(selected)).toEqual(['pino']);
  });

  it('by default it intercepts node:http/https, Express and Koa; fetch and Fastify need no hook', () => {
    const hooked = hookedModules(
      selectInstrumentations({ enabledInstrumentations: undefined, disabledInstrumentations: [] }),
    );
    expect(hooked.slice(0, 4)).toEqual(['http', 'https', 'express', 'koa']);
    expect(hooked).not.toContain('undici');
    expect(hooked).not.toContain('fastify');
    const withoutHttp = hookedModules(
      selectInstrumentations({
        enabledInstrumentations: undefined,
        disabledInstrumentations: ['http', 'express'],
      }),
    );
    expect(withoutHttp).not.toContain('http');
    expect(withoutHttp).not.toContain('express');
    expect(withoutHttp).toContain('koa');
  });

  it('the catalogue names are the contract names, unique', () => {
    expect(INSTRUMENTATION_NAMES).toEqual([
      'http',
      'undici',
      'express',
      'koa',
      'fastify',
      'openai',
      'anthropic',
      'ai-sdk',
      'google-genai',
      'bedrock',
      'langchain',
      'pino',
      'winston',
      'bunyan',
      'console',
    ]);
  });

  it('every available name has a class in the registry, and a reserved one has none', () => {
    for (const entry of INSTRUMENTATION_CATALOGUE) {
      expect(INSTRUMENTATION_FACTORIES[entry.name] !== undefined, entry.name).toBe(
        entry.status === 'available',
      );
    }
  });
});
