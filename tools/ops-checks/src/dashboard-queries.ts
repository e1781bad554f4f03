import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { metricOfSeries, PROMETHEUS_METRICS } from './metric-catalog';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const DASHBOARD_DIR = join(REPO_ROOT, 'docker', 'grafana', 'dashboards');
export const ALERTS_FILE = join(REPO_ROOT, 'docker', 'prometheus', 'alerts.yml');
export const PROMETHEUS_CONFIG = join(REPO_ROOT, 'docker', 'prometheus', 'prometheus.yml');

export interface PanelQuery {
  dashboard: string;
  panel: string;
  expr: string;
}

interface Target {
  expr?: string;
}
interface Panel {
  title?: string;
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  title: string;
  panels?: Panel[];
  templating?: { list?: { name: string; query?: string | { query?: string } }[] };
}

export function dashboardFiles(): string[] {
  return readdirSync(DASHBOARD_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

/** Every PromQL query of every panel (rows' nested panels included) and every query variable. */
export function dashboardQueries(): PanelQuery[] {
  const queries: PanelQuery[] = [];
  for (const file of dashboardFiles()) {
    const dashboard = JSON.parse(readFileSync(join(DASHBOARD_DIR, file), 'utf8')) as Dashboard;
    const visit = (panels: Panel[] | undefined) => {
      for (const panel of panels ?? []) {
        for (const target of panel.targets ?? []) {
          if (target.expr) queries.push({ dashboard: dashboard.title, panel: panel.title ?? '(untitled)', expr: target.expr });
        }
        visit(panel.panels);
      }
    };
    visit(dashboard.panels);
    for (const variable of dashboard.templating?.list ?? []) {
      const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
      if (query) queries.push({ dashboard: dashboard.title, panel: `variable $${variable.name}`, expr: query });
    }
  }
  return queries;
}

/**
 * Grafana's variables replaced the way Grafana would for a short test run:
 * intervals short enough for a minute of 1 s scrapes (or the given ones, e.g.
 * the length of a live run), multi-value variables as "All" (`.*`).
 */
export function withGrafanaVariables(expr: string, intervals: { rateInterval?: string; range?: string } = {}): string {
  return expr
    .replace(/\$__rate_interval|\$__interval|\$\{__rate_interval\}/g, intervals.rateInterval ?? '30s')
    .replace(/\$__range|\$\{__range\}/g, intervals.range ?? '5m')
    .replace(/\$\{?[a-z_]+\}?/g, '.*');
}

/** `label_values(metric, label)` is Grafana's, not PromQL: the metric selector is what Prometheus must know. */
export function asPromQL(expr: string): string {
  const labelValues = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(expr.trim());
  return labelValues?.[1] ? `count by (${labelValues[2]}) (${labelValues[1]})` : expr;
}

export interface AlertRule {
  group: string;
  alert: string;
  expr: string;
}

export function alertRules(): AlertRule[] {
  const doc = parse(readFileSync(ALERTS_FILE, 'utf8')) as { groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[] };
  return doc.groups.flatMap((g) => g.rules.map((r) => ({ group: g.name, alert: r.alert ?? r.record ?? '(unnamed)', expr: r.expr.trim() })));
}

/**
 * The parts of an alert expression that must have data for the alert to be
 * able to fire: each side of `and`, without its final threshold comparison.
 */
export function alertOperands(expr: string): string[] {
  return expr
    .split(/\s+and\s+/)
    .map((part) => part.replace(/\s*(>=|<=|==|!=|>|<)\s*-?[0-9.]+(e[+-]?[0-9]+)?\s*$/, '').trim())
    .filter(Boolean);
}

const SERIES_NAME = /\b(cardlink_[a-z0-9_]+)\b/g;

/** Series names a query uses that are neither catalogued nor Prometheus's own. */
export function unknownMetrics(expr: string): string[] {
  const unknown = new Set<string>();
  for (const [, name] of expr.matchAll(SERIES_NAME)) {
    if (name && !metricOfSeries(name)) unknown.add(name);
  }
  const bareNames = expr.match(/(?<![a-zA-Z0-9_:"'.$])[a-zA-Z_:][a-zA-Z0-9_:]*(?=\s*\{)/g) ?? [];
  for (const name of bareNames) {
    if (!name.startsWith('cardlink_') && !(PROMETHEUS_METRICS as readonly string[]).includes(name)) unknown.add(name);
  }
  return [...unknown];
}
