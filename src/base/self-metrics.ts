/**
 * sprintlens's own Prometheus metrics, through one mechanism.
 *
 * A part of the SDK (an exporter transport, the log sampler, the LLM usage ledger, the log
 * instrumentations) keeps plain numbers on its hot path and, when `start()` or a factory builds
 * it, adds a {@link MetricsSource} to the process's {@link SelfMetrics}: the specs of the
 * metrics it feeds and a `collect` that writes their current values. Every metric is read from
 * the sources at scrape time, so no log line or LLM call touches prom-client, and importing a
 * module registers nothing. Counters and histograms never go back: a source removed at
 * shutdown leaves what it counted in the retired totals.
 *
 * The metric objects are prom-client compatible (`name`, `help`, `type`, `get()`), so they can
 * be added to any prom-client registry: sprintlens's own (served on `SPRINTLENS_METRICS_PORT`)
 * and the app's (`registerMetrics(registry)`), even from another copy of prom-client.
 *
 * prom-client itself is loaded only when sprintlens's own registry is first asked for (the
 * metrics server starting, or a test): it and the `node:https`, `node:zlib`, `node:v8` and
 * `node:perf_hooks` it loads cost start-up time and memory that a process without a metrics
 * server never needs (docs/performance.md).
 */
import type * as PromClient from 'prom-client';
import type { Registry } from 'prom-client';
import { debug } from './diag';
import { VERSION } from './version';

/** Label names and values of one series. */
export type Labels = Readonly<Record<string, string>>;

/** One metric: name (with the `sprintlens_` prefix and base units), help, type. */
export interface MetricSpec {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  /** Upper bounds of a histogram's buckets (`+Inf` is implied). */
  readonly buckets?: readonly number[];
  /**
   * How a gauge's equal series from several sources combine: `sum` (default) or `max` (for a
   * state or a timestamp, e.g. the last success of any exporter of a signal).
   */
  readonly aggregate?: 'sum' | 'max';
}

/** Where a source writes its values at scrape time. Values of equal series are summed. */
export interface MetricsWriter {
  /** Adds `value` to the series of counter or gauge `name` with `labels`. */
  add(name: string, value: number, labels?: Labels): void;
  /** Adds a histogram's observations so far to the series of `name` with `labels`. */
  histogram(name: string, counts: HistogramCounts, labels?: Labels): void;
}

/** A part of the SDK that reports metrics. `collect` must be cheap and must not throw. */
export interface MetricsSource {
  readonly specs: readonly MetricSpec[];
  collect(out: MetricsWriter): void;
}

/**
 * A histogram's state, kept by the part that observes (at event time, e.g. once per export
 * request, never per record) and read at scrape time.
 */
export class HistogramCounts {
  /** Observations per bucket (not cumulative); the last one is `+Inf`. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    let i = 0;
    while (i < this.bounds.length && value > (this.bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count += 1;
  }

  /** Adds `other`'s observations (same bounds). */
  addAll(other: HistogramCounts): void {
    for (let i = 0; i < this.counts.length; i++) {
      this.counts[i] = (this.counts[i] as number) + (other.counts[i] as number);
    }
    this.sum += other.sum;
    this.count += other.count;
  }
}

/** The registry parts we use: structural, so a registry of another prom-client copy works. */
export type TargetRegistry = Pick<Registry, 'registerMetric' | 'getSingleMetric'>;

interface Series {
  readonly labels: Labels;
  value: number;
  histogram: HistogramCounts | undefined;
}

/** The values of every metric at one moment: name → series key → series. */
type Snapshot = Map<string, Map<string, Series>>;

function seriesKey(labels: Labels | undefined): string {
  if (labels === undefined) return '';
  let key = '';
  for (const name of Object.keys(labels).sort()) key += `${name}=${labels[name]}\u0000`;
  return key;
}

/** Collects sources into a {@link Snapshot}, summing equal series (or keeping the largest). */
class SnapshotWriter implements MetricsWriter {
  readonly snapshot: Snapshot = new Map();

  /** @param largest - whether metric `name` keeps the largest value of equal series. */
  constructor(private readonly largest: (name: string) => boolean = () => false) {}

  add(name: string, value: number, labels?: Labels): void {
    if (!Number.isFinite(value)) return;
    const fresh = this.snapshot.get(name)?.has(seriesKey(labels)) !== true;
    const series = this.series(name, labels);
    series.value = fresh
      ? value
      : this.largest(name)
        ? Math.max(series.value, value)
        : series.value + value;
  }

  histogram(name: string, counts: HistogramCounts, labels?: Labels): void {
    const series = this.series(name, labels);
    series.histogram ??= new HistogramCounts(counts.bounds);
    series.histogram.addAll(counts);
  }

  private series(name: string, labels: Labels | undefined): Series {
    let byKey = this.snapshot.get(name);
    if (byKey === undefined) this.snapshot.set(name, (byKey = new Map()));
    const key = seriesKey(labels);
    let series = byKey.get(key);
    if (series === undefined) {
      byKey.set(key, (series = { labels: labels ?? {}, value: 0, histogram: undefined }));
    }
    return series;
  }
}

/** The value prom-client's `get()` returns (the fields its registries read). */
interface MetricValues {
  name: string;
  help: string;
  type: MetricSpec['type'];
  aggregator: 'sum';
  values: { value: number; labels: Labels; metricName?: string }[];
}

/** One metric as a prom-client registry sees it; its values come from a snapshot. */
class ScrapedMetric {
  readonly aggregator = 'sum';

  constructor(
    private readonly spec: MetricSpec,
    private readonly snapshot: () => Snapshot,
  ) {}

  get name(): string {
    return this.spec.name;
  }
  get help(): string {
    return this.spec.help;
  }
  get type(): MetricSpec['type'] {
    return this.spec.type;
  }
  get aggregate(): MetricSpec['aggregate'] {
    return this.spec.aggregate;
  }

  get(): Promise<MetricValues> {
    const values: MetricValues['values'] = [];
    for (const series of this.snapshot().get(this.spec.name)?.values() ?? []) {
      const h = series.histogram;
      if (h === undefined) {
        values.push({ value: series.value, labels: series.labels });
        continue;
      }
      let cumulative = 0;
      for (let i = 0; i < h.counts.length; i++) {
        cumulative += h.counts[i] as number;
        const le = i < h.bounds.length ? String(h.bounds[i]) : '+Inf';
        const labels = { ...series.labels, le };
        values.push({ value: cumulative, labels, metricName: `${this.spec.name}_bucket` });
      }
      values.push({ value: h.sum, labels: series.labels, metricName: `${this.spec.name}_sum` });
      values.push({ value: h.count, labels: series.labels, metricName: `${this.spec.name}_count` });
    }
    const { name, help, type } = this.spec;
    return Promise.resolve({ name, help, type, aggregator: 'sum', values });
  }

  /** prom-client's `resetMetrics()` calls this; values are the sources', not ours to reset. */
  reset(): void {}
}

/**
 * The self-metrics of one process: its sources, the retired totals of removed ones, and the
 * registries the metrics are in. Get it with {@link selfMetrics}.
 */
export class SelfMetrics {
  private ownRegistry: Registry | undefined;
  private readonly sources = new Set<MetricsSource>();
  private readonly metrics = new Map<string, ScrapedMetric>();
  private readonly targets = new Set<TargetRegistry>();
  /** Counters and histograms of removed sources, so totals never go back. */
  private readonly retired = new SnapshotWriter();
  private cached: Snapshot | undefined;

  /**
   * sprintlens's own registry (what `SPRINTLENS_METRICS_PORT` serves), made on first use with
   * every metric defined so far; later ones are added as their sources appear.
   */
  get registry(): Registry {
    if (this.ownRegistry === undefined) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: see the file's TSDoc.
      const { Registry: PromRegistry } = require('prom-client') as typeof PromClient;
      this.ownRegistry = new PromRegistry();
      this.registerInto(this.ownRegistry);
    }
    return this.ownRegistry;
  }

  /**
   * Adds a source; its metrics appear in every registry the self-metrics are in. Returns the
   * function that removes it (at shutdown), keeping what its counters and histograms counted.
   */
  add(source: MetricsSource): () => void {
    this.sources.add(source);
    for (const spec of source.specs) this.define(spec);
    return () => {
      if (!this.sources.delete(source)) return;
      const last = new SnapshotWriter();
      safeCollect(source, last);
      for (const [name, byKey] of last.snapshot) {
        const spec = this.metrics.get(name);
        if (spec === undefined || spec.type === 'gauge') continue;
        for (const series of byKey.values()) {
          if (series.histogram !== undefined) {
            this.retired.histogram(name, series.histogram, series.labels);
          } else {
            this.retired.add(name, series.value, series.labels);
          }
        }
      }
    };
  }

  /**
   * Adds every metric, now and as sources appear, to `registry`. A metric the registry already
   * has under the same name (the app's own) is left alone.
   */
  registerInto(registry: TargetRegistry): void {
    this.targets.add(registry);
    for (const metric of this.metrics.values()) addTo(registry, metric);
  }

  /** The current values, read once per scrape however many metrics ask. */
  snapshot(): Snapshot {
    if (this.cached !== undefined) return this.cached;
    const writer = new SnapshotWriter((name) => this.metrics.get(name)?.aggregate === 'max');
    for (const [name, byKey] of this.retired.snapshot) {
      for (const series of byKey.values()) {
        if (series.histogram !== undefined) writer.histogram(name, series.histogram, series.labels);
        else writer.add(name, series.value, series.labels);
      }
    }
    for (const source of this.sources) safeCollect(source, writer);
    this.cached = writer.snapshot;
    // A registry asks every metric within one synchronous pass: one collection serves them all.
    queueMicrotask(() => (this.cached = undefined));
    return writer.snapshot;
  }

  private define(spec: MetricSpec): void {
    if (this.metrics.has(spec.name)) return;
    const metric = new ScrapedMetric(spec, () => this.snapshot());
    this.metrics.set(spec.name, metric);
    for (const target of this.targets) addTo(target, metric);
  }
}

function safeCollect(source: MetricsSource, out: MetricsWriter): void {
  try {
    source.collect(out);
  } catch {
    // A source that fails is skipped for this scrape; the metrics endpoint keeps answering.
  }
}

type PromMetric = Parameters<Registry['registerMetric']>[0];

function addTo(registry: TargetRegistry, metric: ScrapedMetric): void {
  const existing: unknown = registry.getSingleMetric(metric.name);
  if (existing === metric) return;
  if (existing !== undefined) {
    debug(`registerMetrics: the app already has a metric named ${metric.name}; kept the app's`);
    return;
  }
  registry.registerMetric(metric as unknown as PromMetric);
}

/** `sprintlens_build_info`: always 1; the labels say which SDK and runtime a process runs. */
const BUILD_INFO: MetricsSource = {
  specs: [
    {
      name: 'sprintlens_build_info',
      help: 'Which sprintlens version and Node.js runtime this process runs; always 1.',
      type: 'gauge',
    },
  ],
  collect(out) {
    out.add('sprintlens_build_info', 1, {
      version: VERSION,
      nodejs_version: process.versions.node,
    });
  },
};

// On globalThis: two copies of the package in one process (CommonJS and ES-module builds, or
// two installs) share one set of metrics, as they share one SDK.
const KEY = Symbol.for('sprintlens.self-metrics');
type GlobalWithSelfMetrics = typeof globalThis & { [KEY]?: SelfMetrics };

/**
 * The process's self-metrics, made on first use by `start()`, a factory or `registerMetrics`
 * (never by importing a module).
 */
export function selfMetrics(): SelfMetrics {
  const holder = globalThis as GlobalWithSelfMetrics;
  let metrics = holder[KEY];
  if (metrics === undefined) {
    metrics = holder[KEY] = new SelfMetrics();
    metrics.add(BUILD_INFO);
  }
  return metrics;
}
