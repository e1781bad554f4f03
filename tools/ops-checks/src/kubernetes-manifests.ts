import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './dashboard-queries';

export const K8S_DIR = join(REPO_ROOT, 'docker', 'k8s');
export const OVERLAYS = ['local', 'staging', 'production'] as const;

/** The namespace each overlay deploys into. */
export const OVERLAY_NAMESPACES: Readonly<Record<(typeof OVERLAYS)[number], string>> = { local: 'cardlink', staging: 'cardlink-staging', production: 'cardlink' };

/** A Kubernetes object as far as these checks read it. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/** The apiVersion each kind we ship must use (the stable ones of Kubernetes 1.25+). */
export const API_VERSIONS: Readonly<Record<string, string>> = {
  Namespace: 'v1',
  ServiceAccount: 'v1',
  ConfigMap: 'v1',
  Secret: 'v1',
  Service: 'v1',
  Deployment: 'apps/v1',
  Job: 'batch/v1',
  PodDisruptionBudget: 'policy/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  NetworkPolicy: 'networking.k8s.io/v1',
};

export function yamlFiles(dir = K8S_DIR): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(entry)) files.push(path);
  }
  return files.sort();
}

/** Parses every document of a YAML text; throws on the first syntax error. */
export function parseObjects(text: string, source: string): K8sObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS() as K8sObject | null;
    return value ? [value] : [];
  });
}

export function kubectlAvailable(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
}

/** `kubectl kustomize <overlay>`: the objects a deployment would apply. */
export function renderOverlay(overlay: string): K8sObject[] {
  const text = execFileSync('kubectl', ['kustomize', join(K8S_DIR, 'overlays', overlay)], { encoding: 'utf8', timeout: 60_000 });
  return parseObjects(text, `overlays/${overlay}`);
}

/** Variables no zod schema declares but the runtime reads. */
export const RUNTIME_ENV = /^(NODE_OPTIONS|OTEL_[A-Z_]+)$/;

/** Settings a service refuses to start without (no default), read from the config sources. */
export const REQUIRED_ENV: Readonly<Record<string, readonly string[]>> = {
  'shop-gateway': ['SHOP_WEBHOOK_SECRET'],
  'order-processing': ['SHOP_API_URL', 'SHOP_CLIENT_ID', 'SHOP_CLIENT_SECRET'],
  'risk-control': ['RISK_COUNTER_KEY'],
  'card-inventory': ['CARD_ENCRYPTION_KEYS', 'CARD_FINGERPRINT_KEY', 'CARD_DELIVERY_PUBLIC_KEY'],
  'delivery-notifications': ['CARD_DELIVERY_PRIVATE_KEY', 'PICKUP_LINK_SECRET', 'SHOP_API_URL', 'SHOP_CLIENT_ID', 'SHOP_CLIENT_SECRET'],
  'catalog-sync': ['SHOP_API_URL', 'SHOP_CLIENT_ID', 'SHOP_CLIENT_SECRET'],
};
export const PLATFORM_REQUIRED = ['DATABASE_URL', 'KAFKA_BROKERS'];

/** Port and schema per service as the local stack knows them (tools/stack/services.ts, read as text). */
export function stackServices(): Map<string, { port: number; schema: string }> {
  const text = readFileSync(join(REPO_ROOT, 'tools/stack/services.ts'), 'utf8');
  const found = new Map<string, { port: number; schema: string }>();
  for (const m of text.matchAll(/name: '([a-z-]+)', schema: '([a-z_]+)', role: '[a-z_]+', port: (\d+)/g)) {
    found.set(m[1] ?? '', { schema: m[2] ?? '', port: Number(m[3]) });
  }
  return found;
}

/** Environment variable names a config.ts declares: the keys of its zod object literals. */
export function declaredEnvNames(configSource: string): string[] {
  return [...configSource.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1] ?? '').filter(Boolean);
}

/** Every variable a service's config schema accepts, read from the sources as text (tools may not import apps). */
export function serviceEnvNames(service: string): Set<string> {
  const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
  const app = read(`apps/${service}/src/config.ts`);
  const names = new Set([...declaredEnvNames(read('libs/platform/src/lib/config.ts')), ...declaredEnvNames(app)]);
  const shopClient = read('libs/shop-client/src/lib/config.ts');
  const [shopPart = '', smsPart = ''] = shopClient.split('export const smsProviderEnvSchema');
  if (app.includes('shopClientEnvSchema')) for (const name of declaredEnvNames(shopPart)) names.add(name);
  if (app.includes('smsProviderEnvSchema')) for (const name of declaredEnvNames(smsPart)) names.add(name);
  if (keepsPersonalData(service)) for (const name of declaredEnvNames(read('libs/personal-data/src/lib/config.ts'))) names.add(name);
  return names;
}

/** Whether a service keeps buyer contacts sealed (its config takes libs/personal-data's settings). */
export function keepsPersonalData(service: string): boolean {
  return readFileSync(join(REPO_ROOT, `apps/${service}/src/config.ts`), 'utf8').includes('personalDataEnvSchema');
}

/** What a deployment must give a service: its required settings, and the sealing keys wherever it keeps buyer contacts. */
export function requiredEnv(service: string): string[] {
  return [...PLATFORM_REQUIRED, ...(REQUIRED_ENV[service] ?? []), ...(keepsPersonalData(service) ? ['PERSONAL_DATA_KEYS', 'PERSONAL_DATA_MATCH_KEY'] : [])];
}
