import { Counter, Gauge, register as defaultRegistry, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { registerMetrics } from '../../../src/metrics/register-metrics';
import { sdkRegistry } from '../../../src/metrics/registry';

const created: string[] = [];
function sdkCounter(name: string): Counter {
  created.push(name);
  return new Counter({ name, help: 'test metric of the SDK', registers: [sdkRegistry] });
}

afterEach(() => {
  for (const name of created.splice(0)) {
    sdkRegistry.removeSingleMetric(name);
    defaultRegistry.removeSingleMetric(name);
  }
});

describe('registerMetrics', () => {
  it('adds our metrics to prom-client’s default registry, twice without a duplicate error', async () => {
    sdkCounter('sprintlens_test_existing_total').inc(3);
    registerMetrics(defaultRegistry);
    expect(() => registerMetrics(defaultRegistry)).not.toThrow();
    const text = await defaultRegistry.metrics();
    expect(text).toContain('sprintlens_test_existing_total 3');
  });

  it('metrics created later appear in every registry it was given', async () => {
    const appRegistry = new Registry();
    registerMetrics(appRegistry);
    sdkCounter('sprintlens_test_later_total').inc();
    expect(await appRegistry.metrics()).toContain('sprintlens_test_later_total 1');
  });

  it('an app metric of the same name is kept, not replaced, and nothing throws', async () => {
    const appRegistry = new Registry();
    const mine = new Gauge({
      name: 'sprintlens_test_clash',
      help: 'the app’s own',
      registers: [appRegistry],
    });
    mine.set(42);
    sdkCounter('sprintlens_test_clash');
    expect(() => registerMetrics(appRegistry)).not.toThrow();
    expect(await appRegistry.metrics()).toContain('sprintlens_test_clash 42');
  });
});
