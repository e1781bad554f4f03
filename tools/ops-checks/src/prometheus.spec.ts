import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import {
  ALERTS_FILE,
  alertOperands,
  alertRules,
  asPromQL,
  dashboardFiles,
  dashboardQueries,
  PROMETHEUS_CONFIG,
  REPO_ROOT,
  unknownMetrics,
  withGrafanaVariables,
} from './dashboard-queries';
import { hasData, instantQuery, prometheusInstalled, promtool, startPrometheus, type RunningPrometheus } from './prometheus-process';
import { sampleExposition } from './sample-exposition';

if (!prometheusInstalled()) {
  throw new Error("Prometheus is not installed: apt-get install prometheus (Debian's package provides /usr/bin/prometheus and /usr/bin/promtool)");
}

describe('alert rules and Prometheus configuration (promtool)', () => {
  it('promtool check rules accepts docker/prometheus/alerts.yml', () => {
    const result = promtool('check', 'rules', ALERTS_FILE);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('promtool check config accepts docker/prometheus/prometheus.yml and the rule file it loads', () => {
    const result = promtool('check', 'config', PROMETHEUS_CONFIG);
    expect(result.output).toContain('1 rule files found');
    expect(result.status).toBe(0);
  });

  it('gives every alert a severity and a runbook section in docs/operations.md', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'operations.md'), 'utf8');
    const rules = (parse(readFileSync(ALERTS_FILE, 'utf8')) as { groups: { rules: { alert: string; labels?: { severity?: string }; annotations?: { runbook?: string } }[] }[] }).groups.flatMap((g) => g.rules);
    for (const rule of rules) {
      expect({ alert: rule.alert, severity: rule.labels?.severity, runbook: rule.annotations?.runbook }).toEqual({
        alert: rule.alert,
        severity: expect.stringMatching(/^(critical|warning)$/),
        runbook: `docs/operations.md#${rule.alert.toLowerCase()}`,
      });
      expect(doc).toContain(`\n#### ${rule.alert}\n`);
    }
  });

  it('promtool check rules rejects a rule file with a broken expression (the check can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardlink-rules-'));
    try {
      const file = join(dir, 'broken.yml');
      writeFileSync(file, stringify({ groups: [{ name: 'broken', rules: [{ alert: 'Broken', expr: 'sum(rate(cardlink_deliveries_total[5m]) > ' }] }] }));
      expect(promtool('check', 'rules', file).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('every dashboard query and alert expression against a real Prometheus scraping every catalogued metric', () => {
  let metricsServer: Server;
  let prometheus: RunningPrometheus;
  let scrapes = 0;

  beforeAll(async () => {
    metricsServer = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      scrapes += 1;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(sampleExposition(scrapes));
    });
    await new Promise<void>((resolve) => metricsServer.listen(0, '127.0.0.1', resolve));
    const target = `127.0.0.1:${(metricsServer.address() as AddressInfo).port}`;
    // The repository's rules and job settings, with one target serving samples of every catalogued metric.
    prometheus = await startPrometheus(
      stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: [ALERTS_FILE],
        scrape_configs: [{ job_name: 'cardlink', honor_labels: true, static_configs: [{ targets: [target], labels: { service: 'sample-services' } }] }],
      }),
    );
    // rate() needs two samples inside its window, deriv() and increase() too: wait for a few scrapes.
    const deadline = Date.now() + 30_000;
    while (scrapes < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    if (scrapes < 5) throw new Error(`prometheus scraped the sample target only ${scrapes} times:\n${prometheus.log()}`);
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await new Promise((resolve) => metricsServer?.close(resolve));
  });

  it('finds the five dashboards', () => {
    expect(dashboardFiles()).toEqual([
      'cardlink-delivery.json',
      'cardlink-kafka-outbox.json',
      'cardlink-overview.json',
      'cardlink-risk.json',
      'cardlink-stock.json',
    ]);
  });

  it('names only catalogued metrics in dashboards and alerts', () => {
    const offenders = [...dashboardQueries().map((q) => ({ where: `${q.dashboard} / ${q.panel}`, expr: q.expr })), ...alertRules().map((r) => ({ where: r.alert, expr: r.expr }))]
      .map((q) => ({ ...q, unknown: unknownMetrics(q.expr) }))
      .filter((q) => q.unknown.length > 0);
    expect(offenders).toEqual([]);
  });

  it('answers every dashboard panel query with data', async () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(30);
    const failures: string[] = [];
    for (const query of queries) {
      const expr = asPromQL(withGrafanaVariables(query.expr));
      const result = await instantQuery(prometheus.url, expr);
      if (result.status !== 'success') failures.push(`${query.dashboard} / ${query.panel}: rejected (${result.errorType}: ${result.error}) — ${expr}`);
      else if (!hasData(result)) failures.push(`${query.dashboard} / ${query.panel}: no data — ${expr}`);
    }
    expect(failures).toEqual([]);
  });

  it('accepts every alert expression, and each operand it compares has data', async () => {
    const rules = alertRules();
    expect(rules.length).toBeGreaterThanOrEqual(7);
    const failures: string[] = [];
    for (const rule of rules) {
      const whole = await instantQuery(prometheus.url, rule.expr);
      if (whole.status !== 'success') failures.push(`${rule.alert}: rejected (${whole.error})`);
      for (const operand of alertOperands(rule.expr)) {
        const result = await instantQuery(prometheus.url, operand);
        if (!hasData(result)) failures.push(`${rule.alert}: no data for ${operand} (${result.error ?? 'empty'})`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('loads every alert rule into Prometheus and evaluates it without error', async () => {
    type RulesResponse = { data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] } };
    let rules: { name: string; health: string; lastError?: string }[] = [];
    const deadline = Date.now() + 20_000;
    do {
      const response = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as RulesResponse;
      rules = response.data.groups.flatMap((g) => g.rules);
      if (rules.length > 0 && rules.every((r) => r.health !== 'unknown')) break;
      await new Promise((r) => setTimeout(r, 250));
    } while (Date.now() < deadline);
    expect(rules.map((r) => r.name).sort()).toEqual(alertRules().map((r) => r.alert).sort());
    expect(rules.filter((r) => r.health !== 'ok')).toEqual([]);
  });

  it('reports a panel query on a metric outside the catalogue as having no data (the check can fail)', async () => {
    const result = await instantQuery(prometheus.url, 'sum(rate(cardlink_orders_shipped_total[30s]))');
    expect(result.status).toBe('success');
    expect(hasData(result)).toBe(false);
    expect(unknownMetrics('sum(rate(cardlink_orders_shipped_total[30s]))')).toEqual(['cardlink_orders_shipped_total']);
  });
});
