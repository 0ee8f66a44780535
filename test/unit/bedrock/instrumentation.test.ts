/**
 * The Bedrock instrumentation without calls: its module definitions, its catalogue entry and
 * registry name. The real SDK patched in process and calling a local Bedrock server is
 * test/integration/llm-in-process/bedrock-instrumentation.test.ts.
 */
import { diag } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getInstrumentations } from '../../../src/get-instrumentations';
import {
  catalogueEntry,
  hookedModules,
  selectInstrumentations,
} from '../../../src/config/instrumentation-catalogue';
import { BedrockInstrumentation } from '../../../instrumentations/bedrock';
import * as sprintlens from '../../../src/index';
import { captureDiag } from '../../support/llm-instrumentation';

const diagLines: string[] = [];
beforeEach(() => captureDiag(diagLines));
afterEach(() => diag.disable());

describe('BedrockInstrumentation', () => {
  it('declares the supported versions and leaves other versions alone with a debug message', () => {
    const inst = new BedrockInstrumentation({ enabled: false });
    const [supported, other] = inst.getModuleDefinitions();
    expect(supported!.name).toBe('@aws-sdk/client-bedrock-runtime');
    expect(supported!.supportedVersions).toEqual(['>=3.943.0 <4']);
    expect(other!.supportedVersions).toEqual(['<3.943.0 || >=4']);
    const prototype = {};
    const fake = { BedrockRuntimeClient: { prototype } };
    expect(other!.patch?.(fake, '3.500.0')).toBe(fake);
    expect(prototype).toEqual({});
    expect(diagLines.join('\n')).toContain(
      '@aws-sdk/client-bedrock-runtime 3.500.0 is not supported',
    );
  });

  it('an export without BedrockRuntimeClient is left alone, with a debug message', () => {
    const [supported] = new BedrockInstrumentation({ enabled: false }).getModuleDefinitions();
    expect(supported!.patch?.({}, '3.1000.0')).toEqual({});
    expect(diagLines.join('\n')).toContain('BedrockRuntimeClient not found');
  });

  it('is available in the catalogue, hooked by the ES-module loader, returned by name', () => {
    expect(catalogueEntry('bedrock')).toMatchObject({
      status: 'available',
      modules: ['@aws-sdk/client-bedrock-runtime'],
    });
    const selected = selectInstrumentations({
      enabledInstrumentations: ['bedrock'],
      disabledInstrumentations: [],
    });
    expect(hookedModules(selected)).toEqual(['@aws-sdk/client-bedrock-runtime']);
    const all = getInstrumentations({ enabledInstrumentations: ['bedrock'] });
    expect(all.map((i) => i.instrumentationName)).toEqual(['sprintlens-instrumentation-bedrock']);
    expect(all[0]).toBeInstanceOf(BedrockInstrumentation);
    const without = getInstrumentations({ disabledInstrumentations: ['bedrock'] });
    expect(without.some((i) => i instanceof BedrockInstrumentation)).toBe(false);
    expect(sprintlens.BedrockInstrumentation).toBe(BedrockInstrumentation);
  });
});
