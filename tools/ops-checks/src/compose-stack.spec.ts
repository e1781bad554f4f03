import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROMETHEUS_CONFIG, REPO_ROOT } from './dashboard-queries';
import { requiredEnv, RUNTIME_ENV, serviceEnvNames, stackServices } from './kubernetes-manifests';
import { SERVICES } from './metric-catalog';

interface ComposeService {
  image?: string;
  profiles?: string[];
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  entrypoint?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  extra_hosts?: string[];
}

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
// docker compose resolves YAML merge keys (<<: *anchor); so does this parse.
const compose = parse(read('docker/compose.yaml'), { merge: true }) as { services: Record<string, ComposeService> };
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker/compose.yaml has no service ${name}`);
  return found;
};

describe('the full local stack (docker/compose.yaml)', () => {
  it('has Kafka, PostgreSQL, the six services, Prometheus, Grafana, an OpenTelemetry collector and Jaeger', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['kafka', 'kafka-topics', 'postgres', ...SERVICES, 'prometheus', 'grafana', 'otel-collector', 'jaeger', 'mailpit']),
    );
  });

  it.each(SERVICES)('%s: built from docker/Dockerfile, migrated before it starts, on its usual port, after its dependencies', (name) => {
    const svc = service(name);
    const stack = stackServices().get(name);
    expect(svc.profiles).toEqual(['services']);
    expect(svc.build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile', args: { SERVICE: name } });
    expect(svc.entrypoint?.join(' ')).toContain('node main.js migrate && exec node');
    expect(svc.ports).toEqual([`${stack?.port}:${stack?.port}`]);
    expect(svc.environment?.['PORT']).toBe(String(stack?.port));
    expect(svc.environment?.['DATABASE_SCHEMA']).toBe(stack?.schema);
    expect(svc.environment?.['DATABASE_URL']).toMatch(/^postgres:\/\/cardlink_[a-z]+:cardlink_[a-z]+_dev@postgres:5432\/cardlink$/);
    expect(svc.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' }, 'kafka-topics': { condition: 'service_completed_successfully' } });
  });

  it.each(SERVICES)('%s: names only variables its config schema declares, and every required one', (name) => {
    const env = service(name).environment ?? {};
    const known = serviceEnvNames(name);
    expect(Object.keys(env).filter((key) => !known.has(key) && !RUNTIME_ENV.test(key))).toEqual([]);
    expect(requiredEnv(name).filter((key) => env[key] === undefined)).toEqual([]);
  });

  it('lets the containers reach Kafka on a listener it advertises under its service name', () => {
    const kafka = service('kafka').environment ?? {};
    const brokers = new Set(SERVICES.map((name) => service(name).environment?.['KAFKA_BROKERS']));
    expect([...brokers]).toEqual(['kafka:29092']);
    expect(kafka['KAFKA_ADVERTISED_LISTENERS']?.split(',')).toEqual(expect.arrayContaining(['PLAINTEXT://localhost:9092', 'INTERNAL://kafka:29092']));
    expect(kafka['KAFKA_LISTENERS']).toContain('INTERNAL://:29092');
    expect(kafka['KAFKA_LISTENER_SECURITY_PROTOCOL_MAP']).toContain('INTERNAL:PLAINTEXT');
  });

  it('sends every service’s spans to the collector, and the collector’s to Jaeger', () => {
    for (const name of SERVICES) expect(service(name).environment?.['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe('http://otel-collector:4318');
    expect(service('otel-collector').ports).toEqual(expect.arrayContaining(['4318:4318']));
    expect(service('otel-collector').volumes).toContain('./otel/collector.yaml:/etc/otelcol/config.yaml:ro');
    const collector = parse(read('docker/otel/collector.yaml')) as {
      receivers: { otlp: { protocols: { http: { endpoint: string } } } };
      exporters: Record<string, { endpoint: string }>;
      service: { pipelines: { traces: { receivers: string[]; exporters: string[] } } };
    };
    expect(collector.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    expect(collector.service.pipelines.traces.receivers).toEqual(['otlp']);
    const [exporter = ''] = collector.service.pipelines.traces.exporters;
    expect(collector.exporters[exporter]?.endpoint).toBe('jaeger:4317');
    expect(service('jaeger').environment?.['COLLECTOR_OTLP_ENABLED']).toBe('true');
  });

  it('has Prometheus scrape the published port of each of the six services as job "cardlink"', () => {
    const config = parse(readFileSync(PROMETHEUS_CONFIG, 'utf8')) as { scrape_configs: { job_name: string; static_configs: { targets: string[]; labels: { service: string } }[] }[] };
    const job = config.scrape_configs.find((c) => c.job_name === 'cardlink');
    const targets = Object.fromEntries((job?.static_configs ?? []).map((c) => [c.labels.service, c.targets]));
    expect(targets).toEqual(Object.fromEntries(SERVICES.map((name) => [name, [`host.docker.internal:${stackServices().get(name)?.port}`]])));
    expect(service('prometheus').extra_hosts ?? []).toContain('host.docker.internal:host-gateway');
  });

  it('provisions the dashboards and a Jaeger data source in Grafana', () => {
    const datasources = parse(read('docker/grafana/provisioning/datasources/prometheus.yml')) as { datasources: { type: string; url: string }[] };
    expect(datasources.datasources.map((d) => [d.type, d.url])).toEqual([
      ['prometheus', 'http://prometheus:9090'],
      ['jaeger', 'http://jaeger:16686'],
    ]);
  });
});
