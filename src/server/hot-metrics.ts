import type { Registry } from 'prom-client';

/**
 * Counters and histograms for what happens several times a turn (turns, Redis round trips),
 * exposed through a prom-client registry in exactly prom-client's own form. prom-client finds a
 * labelled series by sorting and hashing its labels on every `inc`/`observe` (about 1 us each on
 * the bench machine, 9 us a turn in all); here a caller keeps the series it uses and counting is
 * a few array writes. Everything else (gauges, rare events, default metrics) stays prom-client's.
 */

/** What prom-client's registry reads from a metric when it writes the exposition. */
interface Exposed {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  values: {
    labels: Record<string, string | number>;
    sharedLabels?: Record<string, string>;
    value: number;
    metricName?: string;
  }[];
}

abstract class HotMetric<L extends string, S> {
  readonly aggregator = 'sum';
  private readonly all = new Map<string, { labels: Record<L, string>; series: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** The series of these label values, made on first use: keep it and count through it. */
  series(labels: Record<L, string>): S {
    let key = '';
    for (const n of this.labelNames) key += `${labels[n]}\u0000`;
    let found = this.all.get(key);
    if (!found) {
      const own = {} as Record<L, string>;
      for (const n of this.labelNames) own[n] = labels[n];
      found = { labels: own, series: this.create() };
      this.all.set(key, found);
    }
    return found.series;
  }

  protected abstract create(): S;
  protected abstract zero(series: S): void;
  protected abstract expose(labels: Record<L, string>, series: S, into: Exposed['values']): void;
  abstract readonly type: Exposed['type'];

  /** prom-client's registry calls this to write the exposition. */
  get(): Exposed {
    const values: Exposed['values'] = [];
    for (const { labels, series } of this.all.values()) this.expose(labels, series, values);
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** `registry.resetMetrics()`: every series back to zero (they stay, as prom-client's do not; harmless). */
  reset(): void {
    for (const { series } of this.all.values()) this.zero(series);
  }
}

export class CounterSeries {
  value = 0;
  inc(by = 1): void {
    this.value += by;
  }
}

export class HotCounter<L extends string> extends HotMetric<L, CounterSeries> {
  readonly type = 'counter';
  protected create(): CounterSeries {
    return new CounterSeries();
  }
  protected zero(series: CounterSeries): void {
    series.value = 0;
  }
  protected expose(labels: Record<L, string>, series: CounterSeries, into: Exposed['values']): void {
    into.push({ labels, value: series.value });
  }
}

export class HistogramSeries {
  /** Observations per bucket (not cumulative), the last one for those above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

export class HotHistogram<L extends string> extends HotMetric<L, HistogramSeries> {
  readonly type = 'histogram';
  private readonly bounds: readonly number[];

  constructor(name: string, help: string, labelNames: readonly L[], buckets: readonly number[], registry: Registry) {
    super(name, help, labelNames, registry);
    this.bounds = [...buckets].sort((a, b) => a - b);
  }
  protected create(): HistogramSeries {
    return new HistogramSeries(this.bounds);
  }
  protected zero(series: HistogramSeries): void {
    series.counts.fill(0);
    series.sum = 0;
    series.count = 0;
  }
  protected expose(labels: Record<L, string>, series: HistogramSeries, into: Exposed['values']): void {
    const bucket = `${this.name}_bucket`;
    let acc = 0;
    this.bounds.forEach((le, i) => {
      acc += series.counts[i]!;
      into.push({ labels: { le }, sharedLabels: labels, value: acc, metricName: bucket });
    });
    into.push({ labels: { le: '+Inf' }, sharedLabels: labels, value: series.count, metricName: bucket });
    into.push({ labels: {}, sharedLabels: labels, value: series.sum, metricName: `${this.name}_sum` });
    into.push({ labels: {}, sharedLabels: labels, value: series.count, metricName: `${this.name}_count` });
  }
}
