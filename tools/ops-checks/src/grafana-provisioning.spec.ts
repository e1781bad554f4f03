import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DASHBOARD_DIR, dashboardFiles, REPO_ROOT } from './dashboard-queries';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

interface Dashboard {
  uid: string;
  title: string;
  panels: { id: number; datasource?: { uid?: string }; targets?: { datasource?: { uid?: string } }[] }[];
}

describe('Grafana provisioning (docker/grafana)', () => {
  const dashboards = dashboardFiles().map((file) => JSON.parse(readFileSync(join(DASHBOARD_DIR, file), 'utf8')) as Dashboard);
  const datasources = parse(read('docker/grafana/provisioning/datasources/prometheus.yml')) as { datasources: { uid: string; url: string }[] };
  const providers = parse(read('docker/grafana/provisioning/dashboards/cardlink.yml')) as { providers: { options: { path: string } }[] };
  const compose = parse(read('docker/compose.yaml')) as { services: Record<string, { volumes?: string[] }> };

  it('gives every dashboard a unique uid and every panel a unique id', () => {
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
    for (const dashboard of dashboards) expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
  });

  it('points every panel and query at the provisioned Prometheus data source', () => {
    const uid = datasources.datasources[0]?.uid;
    expect(uid).toBe('prometheus');
    for (const dashboard of dashboards) {
      for (const panel of dashboard.panels) {
        expect(panel.datasource?.uid).toBe(uid);
        for (const target of panel.targets ?? []) expect(target.datasource?.uid).toBe(uid);
      }
    }
  });

  it('mounts the dashboards and provisioning where Grafana and the provider look for them in docker/compose.yaml', () => {
    const volumes = compose.services['grafana']?.volumes ?? [];
    expect(volumes).toContain(`./grafana/dashboards:${providers.providers[0]?.options.path}:ro`);
    expect(volumes).toContain('./grafana/provisioning:/etc/grafana/provisioning:ro');
    expect(datasources.datasources[0]?.url).toBe('http://prometheus:9090');
    expect(compose.services['prometheus']?.volumes).toContain('./prometheus:/etc/prometheus:ro');
  });
});
