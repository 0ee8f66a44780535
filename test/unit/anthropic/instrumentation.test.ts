/**
 * The Anthropic instrumentation without calls: its module definitions, its telemetry cache and
 * its catalogue entry. The real SDK patched in process and calling a local LLM server is
 * test/integration/llm-in-process/anthropic-instrumentation.test.ts.
 */
import { diag } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getInstrumentations } from '../../../src/get-instrumentations';
import { AnthropicInstrumentation } from '../../../instrumentations/anthropic';
import { captureDiag } from '../../support/llm-instrumentation';

const diagLines: string[] = [];
beforeEach(() => captureDiag(diagLines));
afterEach(() => diag.disable());

describe('AnthropicInstrumentation', () => {
  it('declares the supported versions and leaves other versions alone with a debug message', () => {
    const inst = new AnthropicInstrumentation({ enabled: false });
    const [supported, other] = inst.getModuleDefinitions();
    expect(supported!.supportedVersions).toEqual(['>=0.60.0 <2']);
    expect(other!.supportedVersions).toEqual(['<0.60.0 || >=2']);
    const fake = { Anthropic: { Messages: class {} } };
    expect(other!.patch?.(fake, '0.59.0')).toBe(fake);
    expect(diagLines.join('\n')).toContain('@anthropic-ai/sdk 0.59.0 is not supported');
  });

  it('calls share one telemetry object until the config or a provider changes', () => {
    const inst = new AnthropicInstrumentation({ enabled: false });
    const telemetry = () => (inst as unknown as { telemetry(): object }).telemetry();
    const first = telemetry();
    expect(telemetry()).toBe(first);
    inst.setTracerProvider(new TracerProvider());
    const second = telemetry();
    expect(second).not.toBe(first);
    expect(telemetry()).toBe(second);
    inst.setMeterProvider(new MeterProvider());
    const third = telemetry();
    expect(third).not.toBe(second);
    expect(telemetry()).toBe(third);
    inst.setConfig({ enabled: false, captureContent: true });
    const fourth = telemetry();
    expect(fourth).not.toBe(third);
    expect(fourth).toHaveProperty('content');
    expect((fourth as { content?: unknown }).content).toBeDefined();
    expect(telemetry()).toBe(fourth);
  });

  it('getInstrumentations() returns it (named anthropic), unless disabled', () => {
    const all = getInstrumentations({ enabledInstrumentations: ['anthropic', 'openai'] });
    expect(all.filter((i) => i instanceof AnthropicInstrumentation)).toHaveLength(1);
    expect(all.find((i) => i instanceof AnthropicInstrumentation)!.instrumentationName).toBe(
      'sprintlens-instrumentation-anthropic',
    );
    const without = getInstrumentations({ disabledInstrumentations: ['anthropic'] });
    expect(without.some((i) => i instanceof AnthropicInstrumentation)).toBe(false);
  });
});
