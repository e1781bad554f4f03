import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './dashboard-queries';
import { METRIC_CATALOG, SERVICES } from './metric-catalog';
import { labelSets, sampleExposition } from './sample-exposition';

const DOC = readFileSync(join(REPO_ROOT, 'docs', 'metrics.md'), 'utf8');

interface DocRow {
  name: string;
  type: string;
  labels: string[];
  emittedBy: string;
  exists: string;
}

function catalogueRows(): DocRow[] {
  return DOC.split('\n')
    .filter((line) => line.startsWith('| `cardlink_'))
    .map((line) => {
      const [name = '', type = '', labels = '', emittedBy = '', exists = ''] = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      return {
        name: name.replace(/`/g, ''),
        type,
        labels: labels === '—' ? [] : labels.split(',').map((l) => l.trim().replace(/`/g, '')),
        emittedBy,
        exists,
      };
    });
}

/** Source files (tests excluded) of apps and libs. */
function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (entry.endsWith('.ts') && !/\.(spec|test|bench|fixture)\.ts$/.test(entry) && !path.includes('/testing/')) files.push(path);
  }
  return files;
}

/** Metric names the code registers: `name: 'cardlink_…'` in a metric constructor, or a `…_METRIC = 'cardlink_…'` constant. */
function registeredMetrics(): Map<string, string> {
  const found = new Map<string, string>();
  for (const root of ['apps', 'libs']) {
    for (const file of sourceFiles(join(REPO_ROOT, root))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:\bname:\s*|_METRIC\s*=\s*)['"`](cardlink_[a-z0-9_]+)['"`]/g)) {
        if (match[1]) found.set(match[1], relative(REPO_ROOT, file));
      }
    }
  }
  return found;
}

describe('the metric catalogue', () => {
  it('docs/metrics.md lists exactly the catalogued metrics, with their type, labels and emitters', () => {
    const rows = catalogueRows();
    expect(rows.map((r) => r.name)).toEqual(METRIC_CATALOG.map((m) => m.name));
    for (const metric of METRIC_CATALOG) {
      const row = rows.find((r) => r.name === metric.name);
      expect({ name: metric.name, type: row?.type, labels: row?.labels }).toEqual({ name: metric.name, type: metric.type, labels: Object.keys(metric.labels) });
      const emitters = metric.emittedBy.length === SERVICES.length ? 'every service' : metric.emittedBy.join(', ');
      expect(row?.emittedBy).toBe(emitters);
    }
  });

  it('marks a metric as existing only when the named file registers it', () => {
    for (const metric of METRIC_CATALOG) {
      const row = catalogueRows().find((r) => r.name === metric.name);
      if (metric.definedIn) {
        expect(row?.exists).toBe(`yes: \`${metric.definedIn}\``);
        expect(readFileSync(join(REPO_ROOT, metric.definedIn), 'utf8')).toContain(`'${metric.name}'`);
      } else {
        expect(row?.exists).toMatch(/^\*\*no\*\*/);
      }
    }
  });

  it('catalogues every cardlink_* metric the apps and libraries register', () => {
    const uncatalogued = [...registeredMetrics()].filter(([name]) => !METRIC_CATALOG.some((m) => m.name === name)).map(([name, file]) => `${name} (${file})`);
    expect(uncatalogued).toEqual([]);
  });

  it('follows the naming rules: cardlink_ prefix, counters end in _total, histograms in a base unit, no service label of their own', () => {
    for (const metric of METRIC_CATALOG) {
      expect(metric.name).toMatch(/^cardlink_[a-z0-9_]+$/);
      if (metric.type === 'counter') expect(metric.name).toMatch(/_total$/);
      if (metric.type === 'histogram') expect(metric.name).toMatch(/_(seconds|bytes)$/);
      expect(Object.keys(metric.labels)).not.toContain('service');
      if (metric.type === 'histogram') expect(metric.buckets?.length).toBeGreaterThan(3);
    }
  });

  it('keeps every label bounded: no id-like label names and a small sample set', () => {
    for (const metric of METRIC_CATALOG) {
      for (const label of Object.keys(metric.labels)) expect(label).not.toMatch(/(^|_)(order|card|buyer|event|request|trace)(_id)?$|^(id|email|phone|url|error|message)$/);
      expect(labelSets(metric).length).toBeLessThanOrEqual(200);
    }
  });

  it('serves a sample of every catalogued series, growing counters between scrapes', () => {
    const first = sampleExposition(1);
    const second = sampleExposition(2);
    for (const metric of METRIC_CATALOG) expect(first).toContain(`# TYPE ${metric.name} ${metric.type}`);
    const line = (text: string) => text.split('\n').find((l) => l.startsWith('cardlink_order_transitions_total{')) ?? '';
    expect(Number(line(second).split(' ').pop())).toBeGreaterThan(Number(line(first).split(' ').pop()));
  });
});
