import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HistogramCounts, SelfMetrics } from '../../../src/base/self-metrics';
import type { MetricsSource } from '../../../src/base/self-metrics';

function counterSource(values: { value: number }, labels = { signal: 'logs' }): MetricsSource {
  return {
    specs: [{ name: 'sprintlens_test_total', help: 'Test counter.', type: 'counter' }],
    collect: (out) => out.add('sprintlens_test_total', values.value, labels),
  };
}

describe('self-metrics', () => {
  it('reads sources at scrape time and sums equal series', async () => {
    const metrics = new SelfMetrics();
    const a = { value: 3 };
    const b = { value: 4 };
    metrics.add(counterSource(a));
    metrics.add(counterSource(b));
    metrics.add(counterSource({ value: 1 }, { signal: 'traces' }));
    expect(await metrics.registry.metrics()).toContain('sprintlens_test_total{signal="logs"} 7');
    a.value = 10;
    const text = await metrics.registry.metrics();
    expect(text).toContain('# TYPE sprintlens_test_total counter');
    expect(text).toContain('sprintlens_test_total{signal="logs"} 14');
    expect(text).toContain('sprintlens_test_total{signal="traces"} 1');
  });

  it('a removed source leaves its counters in the totals, not its gauges', async () => {
    const metrics = new SelfMetrics();
    const remove = metrics.add({
      specs: [
        { name: 'sprintlens_c_total', help: 'c', type: 'counter' },
        { name: 'sprintlens_g', help: 'g', type: 'gauge' },
      ],
      collect(out) {
        out.add('sprintlens_c_total', 5);
        out.add('sprintlens_g', 2);
      },
    });
    metrics.add({ specs: [], collect: (out) => out.add('sprintlens_c_total', 1) });
    remove();
    remove(); // idempotent
    const text = await metrics.registry.metrics();
    expect(text).toContain('sprintlens_c_total 6');
    expect(text).not.toMatch(/^sprintlens_g \d/m);
  });

  it('histograms: cumulative buckets, sum and count, kept after removal', async () => {
    const metrics = new SelfMetrics();
    const h = new HistogramCounts([0.1, 1]);
    for (const v of [0.05, 0.5, 0.5, 3]) h.observe(v);
    const remove = metrics.add({
      specs: [{ name: 'sprintlens_h_seconds', help: 'h', type: 'histogram', buckets: [0.1, 1] }],
      collect: (out) => out.histogram('sprintlens_h_seconds', h, { signal: 'logs' }),
    });
    remove();
    const text = await metrics.registry.metrics();
    expect(text).toContain('sprintlens_h_seconds_bucket{signal="logs",le="0.1"} 1');
    expect(text).toContain('sprintlens_h_seconds_bucket{signal="logs",le="1"} 3');
    expect(text).toContain('sprintlens_h_seconds_bucket{signal="logs",le="+Inf"} 4');
    expect(text).toContain('sprintlens_h_seconds_sum{signal="logs"} 4.05');
    expect(text).toContain('sprintlens_h_seconds_count{signal="logs"} 4');
  });

  it('goes into an app registry, now and as sources appear, leaving its own metrics alone', async () => {
    const metrics = new SelfMetrics();
    const app = new Registry();
    const own = { name: 'sprintlens_test_total', help: 'the app', type: 'gauge' };
    metrics.add({
      specs: [{ name: 'sprintlens_early', help: 'e', type: 'gauge' }],
      collect: () => {},
    });
    metrics.registerInto(app);
    const { Gauge } = await import('prom-client');
    new Gauge({ name: own.name, help: own.help, registers: [app] });
    metrics.add(counterSource({ value: 2 }));
    expect(app.getSingleMetric('sprintlens_early')).toBeDefined();
    expect((await app.getSingleMetric('sprintlens_test_total')?.get())?.help).toBe('the app');
    metrics.registerInto(app); // twice: no duplicate-registration error
  });

  it('a gauge with aggregate max keeps the largest of equal series', async () => {
    const metrics = new SelfMetrics();
    const spec = { name: 'sprintlens_state', help: 's', type: 'gauge', aggregate: 'max' } as const;
    for (const value of [1, 0, 2, 1]) {
      metrics.add({
        specs: [spec],
        collect: (out) => out.add(spec.name, value, { signal: 'logs' }),
      });
    }
    metrics.add({ specs: [spec], collect: (out) => out.add(spec.name, 0, { signal: 'traces' }) });
    const text = await metrics.registry.metrics();
    expect(text).toContain('sprintlens_state{signal="logs"} 2');
    expect(text).toContain('sprintlens_state{signal="traces"} 0');
  });

  it('a failing source is skipped; the others are still served', async () => {
    const metrics = new SelfMetrics();
    metrics.add({
      specs: [],
      collect() {
        throw new Error('broken');
      },
    });
    metrics.add(counterSource({ value: 2 }));
    expect(await metrics.registry.metrics()).toContain('sprintlens_test_total{signal="logs"} 2');
  });
});
