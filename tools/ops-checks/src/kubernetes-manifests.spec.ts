import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './dashboard-queries';
import {
  API_VERSIONS,
  declaredEnvNames,
  K8S_DIR,
  kubectlAvailable,
  OVERLAY_NAMESPACES,
  OVERLAYS,
  parseObjects,
  renderOverlay,
  requiredEnv,
  RUNTIME_ENV,
  serviceEnvNames,
  stackServices,
  yamlFiles,
  type K8sObject,
} from './kubernetes-manifests';
import { schemaViolation } from './kubernetes-schemas';
import { SERVICES } from './metric-catalog';

function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

function matches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

const secretExample = parseObjects(readFileSync(join(K8S_DIR, 'base', 'secret.example.yaml'), 'utf8'), 'secret.example.yaml');

describe('Kubernetes manifests (docker/k8s)', () => {
  it('parses every YAML file and uses only known kinds with their stable apiVersion', () => {
    const files = yamlFiles();
    expect(files.length).toBeGreaterThanOrEqual(12);
    for (const file of files) {
      for (const object of parseObjects(readFileSync(file, 'utf8'), relative(REPO_ROOT, file))) {
        if (object.kind === 'Kustomization') continue;
        expect({ file: relative(REPO_ROOT, file), kind: object.kind, apiVersion: object.apiVersion }).toEqual({
          file: relative(REPO_ROOT, file),
          kind: object.kind,
          apiVersion: API_VERSIONS[object.kind] ?? 'an unknown kind',
        });
        expect(object.metadata?.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      }
    }
  });

  it('keeps secret values out of the repository: the example holds placeholders and is not a kustomize resource', () => {
    for (const secret of secretExample) {
      expect(secret.kind).toBe('Secret');
      for (const value of Object.values(secret.stringData ?? {})) expect(value).toBe('<set me>');
      expect(secret.data).toBeUndefined();
    }
    const kustomization = parse(readFileSync(join(K8S_DIR, 'base', 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect(kustomization.resources).not.toContain('secret.example.yaml');
  });

  it('lists a Secret with the required keys for each service', () => {
    for (const service of SERVICES) {
      const secret = find(secretExample, 'Secret', `${service}-secrets`);
      expect(Object.keys(secret.stringData ?? {})).toEqual(expect.arrayContaining(['DATABASE_URL', 'API_CREDENTIALS']));
    }
  });

  describe.each(OVERLAYS)('overlay %s rendered with kubectl kustomize', (overlay) => {
    let objects: K8sObject[];

    beforeAll(() => {
      if (!kubectlAvailable()) throw new Error('kubectl (with its built-in kustomize) is needed to render the overlays');
      objects = renderOverlay(overlay);
    });

    it('renders the objects of six services and no Secret', () => {
      const counts = objects.reduce<Record<string, number>>((acc, o) => ({ ...acc, [o.kind]: (acc[o.kind] ?? 0) + 1 }), {});
      expect(counts).toEqual({
        Namespace: 1,
        ServiceAccount: 1,
        ConfigMap: 6,
        Deployment: 6,
        Service: 6,
        Job: 6,
        PodDisruptionBudget: 6,
        HorizontalPodAutoscaler: 5,
        // local: two more for the shop simulator in the namespace
        NetworkPolicy: overlay === 'local' ? 10 : 8,
      });
      for (const object of objects) {
        expect(API_VERSIONS[object.kind]).toBe(object.apiVersion);
        if (object.kind !== 'Namespace') expect(object.metadata.namespace).toBe(OVERLAY_NAMESPACES[overlay]);
      }
      expect(find(objects, 'Namespace', OVERLAY_NAMESPACES[overlay]).metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    });

    it('validates every rendered object against the Kubernetes schema of its kind (kubernetes-models)', () => {
      const violations = objects.map((o) => ({ object: `${o.kind}/${o.metadata.name}`, violation: schemaViolation(o) })).filter((v) => v.violation);
      expect(violations).toEqual([]);
      process.stdout.write(`[k8s] overlay ${overlay}: ${objects.length} objects validated against the Kubernetes schemas\n`);
      expect(objects.length).toBe(overlay === 'local' ? 47 : 45);
    });

    it.each(SERVICES)('%s: a hardened Deployment with probes on the real health endpoints', (service) => {
      const deployment = find(objects, 'Deployment', service);
      const pod = deployment.spec.template.spec;
      const [container] = pod.containers;
      const stack = stackServices().get(service);
      const config = find(objects, 'ConfigMap', `${service}-config`).data ?? {};
      expect(Number(config['PORT'])).toBe(stack?.port);
      expect(config['DATABASE_SCHEMA']).toBe(stack?.schema);
      expect(container.ports).toEqual([{ name: 'http', containerPort: stack?.port, protocol: 'TCP' }]);
      expect(container.image).toMatch(new RegExp(`cardlink/${service}:[\\w.-]+$`));

      expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(container.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      // The readiness check itself may take 2 s per dependency; the probe must wait longer.
      expect(container.readinessProbe.timeoutSeconds).toBeGreaterThan(2);

      expect(String(container.resources.requests.cpu)).toMatch(/^\d+m$/);
      expect(String(container.resources.requests.memory)).toMatch(/^\d+Mi$/);
      expect(String(container.resources.limits.memory)).toMatch(/^\d+Mi$/);

      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(pod.automountServiceAccountToken).toBe(false);

      const preStopMs = Number(/setTimeout\(\(\) => undefined, (\d+)\)/.exec(container.lifecycle.preStop.exec.command.join(' '))?.[1] ?? 0);
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(Number(config['SHUTDOWN_TIMEOUT_MS']) + preStopMs);

      const annotations = deployment.spec.template.metadata.annotations;
      expect(annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(stack?.port), 'prometheus.io/path': '/metrics' });
    });

    it.each(SERVICES)('%s: Service, migration Job, PodDisruptionBudget, autoscaler and NetworkPolicy fit the Deployment', (service) => {
      const deployment = find(objects, 'Deployment', service);
      const podLabels = deployment.spec.template.metadata.labels as Record<string, string>;
      const [container] = deployment.spec.template.spec.containers;

      const svc = find(objects, 'Service', service);
      expect(matches(svc.spec.selector, podLabels)).toBe(true);
      expect(svc.spec.ports[0].targetPort).toBe('http');
      expect(matches(deployment.spec.selector.matchLabels, podLabels)).toBe(true);

      const job = find(objects, 'Job', `${service}-migrate`);
      const [migrate] = job.spec.template.spec.containers;
      expect(migrate.image).toBe(container.image);
      expect(migrate.args).toEqual(['migrate']);
      expect(migrate.envFrom).toEqual(container.envFrom);
      // The migration validates the same configuration: it needs the same variables (e.g. both sealing keys or neither).
      expect(migrate.env).toEqual(container.env);
      expect(job.spec.template.spec.restartPolicy).toBe('Never');
      expect(job.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      expect(migrate.securityContext.readOnlyRootFilesystem).toBe(true);
      // Migration pods must not join the Service.
      expect(matches(svc.spec.selector, job.spec.template.metadata.labels)).toBe(false);

      const pdb = find(objects, 'PodDisruptionBudget', service);
      expect(matches(pdb.spec.selector.matchLabels, podLabels)).toBe(true);

      const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === service);
      if (service === 'catalog-sync') expect(hpa).toBeUndefined();
      else {
        expect(hpa?.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: service });
        expect(hpa?.spec.maxReplicas).toBeGreaterThanOrEqual(hpa?.spec.minReplicas);
        if (overlay === 'production') expect(hpa?.spec.minReplicas).toBeGreaterThanOrEqual(2);
      }

      const policy = find(objects, 'NetworkPolicy', service);
      expect(matches(policy.spec.podSelector.matchLabels, podLabels)).toBe(true);
      expect(JSON.stringify(policy.spec.ingress)).toContain(`"port":${container.ports[0].containerPort}`);
    });

    it.each(SERVICES)("%s: names only variables its config schema declares, and every required one", (service) => {
      const deployment = find(objects, 'Deployment', service);
      const [container] = deployment.spec.template.spec.containers;
      const config = find(objects, 'ConfigMap', `${service}-config`).data ?? {};
      const secretKeys = Object.keys(find(secretExample, 'Secret', `${service}-secrets`).stringData ?? {});
      expect(container.envFrom).toEqual([{ configMapRef: { name: `${service}-config` } }, { secretRef: { name: `${service}-secrets` } }]);

      const known = serviceEnvNames(service);
      const named = [...Object.keys(config), ...secretKeys, ...(container.env ?? []).map((e: { name: string }) => e.name)];
      expect(named.filter((name) => !known.has(name) && !RUNTIME_ENV.test(name))).toEqual([]);
      const provided = new Set(named);
      expect(requiredEnv(service).filter((name) => !provided.has(name))).toEqual([]);
      expect(Object.keys(config).filter((key) => secretKeys.includes(key))).toEqual([]);
    });
  });

  it('rejects an object that breaks its schema (the validation can fail)', () => {
    const deployment = find(renderOverlay('local'), 'Deployment', 'shop-gateway');
    expect(schemaViolation(deployment)).toBeUndefined();
    const broken = JSON.parse(JSON.stringify(deployment)) as K8sObject;
    broken.spec.replicas = 'two';
    delete broken.spec.selector;
    expect(schemaViolation(broken)).toMatch(/replicas must be integer|must have required property 'selector'/);
    expect(schemaViolation({ ...deployment, apiVersion: 'extensions/v1beta1' })).toBe('no schema for extensions/v1beta1 Deployment');
  });

  it('the probe paths exist: libs/observability serves /health/live and /health/ready', () => {
    const controller = readFileSync(join(REPO_ROOT, 'libs/observability/src/lib/health/health.controller.ts'), 'utf8');
    expect(controller).toContain("@Controller('health')");
    expect(controller).toContain("@Get('live')");
    expect(controller).toContain("@Get('ready')");
  });

  it('reads config names from config.ts sources (the parser finds the keys of a zod object)', () => {
    expect(declaredEnvNames("z.object({\n  PORT: port,\n  DATABASE_URL: z.string(),\n  nested: 1,\n})")).toEqual(['PORT', 'DATABASE_URL']);
    expect(serviceEnvNames('shop-gateway').has('SHOP_WEBHOOK_SECRET')).toBe(true);
    expect(serviceEnvNames('shop-gateway').has('KAFKA_BROKERS')).toBe(true);
    expect(serviceEnvNames('shop-gateway').has('SHOP_CLIENT_SECRET')).toBe(false);
  });
});
