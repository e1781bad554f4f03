import { METRIC_CATALOG, type MetricSpec } from './metric-catalog';

/** Every combination of a metric's label values, or its listed series. */
export function labelSets(metric: MetricSpec): Record<string, string>[] {
  if (metric.series) return metric.series.map((s) => ({ ...s }));
  let sets: Record<string, string>[] = [{}];
  for (const [label, values] of Object.entries(metric.labels)) {
    sets = sets.flatMap((set) => values.map((value) => ({ ...set, [label]: value })));
  }
  return sets;
}

function renderLabels(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/**
 * Prometheus text exposition of sample values for every catalogued metric, as
 * the services would answer scrape number `scrape` (from 1): counters and
 * histograms grow with every scrape so rate() and histogram_quantile() have
 * data, gauges vary a little.
 */
export function sampleExposition(scrape: number, catalog: readonly MetricSpec[] = METRIC_CATALOG): string {
  const lines: string[] = [];
  for (const metric of catalog) {
    lines.push(`# HELP ${metric.name} ${metric.help}`, `# TYPE ${metric.name} ${metric.type}`);
    let seriesIndex = 0;
    for (const service of metric.emittedBy) {
      for (const set of labelSets(metric)) {
        seriesIndex += 1;
        const labels = { ...set, service };
        const weight = 1 + (seriesIndex % 5);
        if (metric.type === 'counter') {
          lines.push(`${metric.name}${renderLabels(labels)} ${weight * scrape}`);
        } else if (metric.type === 'gauge') {
          lines.push(`${metric.name}${renderLabels(labels)} ${weight * 7 + (scrape % 3)}`);
        } else {
          const buckets = metric.buckets ?? [];
          // Each scrape adds `weight` observations spread over the buckets, so every quantile has data.
          const perScrape = weight * (buckets.length + 1);
          let cumulative = 0;
          for (const le of buckets) {
            cumulative += weight * scrape;
            lines.push(`${metric.name}_bucket${renderLabels({ ...labels, le: String(le) })} ${cumulative}`);
          }
          const count = perScrape * scrape;
          lines.push(`${metric.name}_bucket${renderLabels({ ...labels, le: '+Inf' })} ${count}`);
          const mean = buckets.length ? (buckets[Math.floor(buckets.length / 2)] ?? 1) : 1;
          lines.push(`${metric.name}_sum${renderLabels(labels)} ${count * mean}`);
          lines.push(`${metric.name}_count${renderLabels(labels)} ${count}`);
        }
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
