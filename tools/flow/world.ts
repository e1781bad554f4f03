import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createTestTopics, deleteTestTopics, testKafka } from '@cardlink/messaging/testing';
import { createTestSchema, type TestSchema } from '@cardlink/persistence';
import { REPO_ROOT } from '../stack/paths';
import { SERVICES, type ServiceSpec } from '../stack/services';
import { assertBuilt, migrateAll, startAll, waitReady, type RunningServices } from '../start/services-runner';
import { MailCatcher } from './mail-catcher';

/**
 * Where the services of one whole-flow run live. `demo` is the local stack's
 * own database and topics (what `npm start` shows); `isolated` gives every
 * service a throwaway schema, every topic a private prefix and every port an
 * offset, so an end-to-end run never meets another run's data.
 */
export type WorldMode = 'demo' | 'isolated';

export interface WorldOptions {
  mode: WorldMode;
  logDir: string;
  /** Added to each service's port in isolated mode. */
  portOffset?: number;
  /** Settings every service gets on top of its own (simulator URLs, SMTP). */
  sharedEnv?: (ports: ServicePorts, smtpPort: number) => Record<string, string>;
  log?: (line: string) => void;
}

export type ServicePorts = Readonly<Record<string, number>>;

export interface World {
  ports: ServicePorts;
  url(service: string): string;
  mail: MailCatcher;
  smtpPort: number;
  /** The topic prefix ('' in demo mode). */
  topicPrefix: string;
  /** Schemas per service (the fixed ones in demo mode). */
  schemas: Readonly<Record<string, string>>;
  logDir: string;
  services: RunningServices;
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

/** The services' ports of a world, known before it starts (the simulator needs the gateway's). */
export function servicePorts(opts: Pick<WorldOptions, 'mode' | 'portOffset'>): ServicePorts {
  const offset = opts.mode === 'isolated' ? (opts.portOffset ?? 100) : 0;
  return Object.fromEntries(SERVICES.map((s) => [s.name, s.port + offset]));
}

export async function startWorld(opts: WorldOptions): Promise<World> {
  const log = opts.log ?? (() => undefined);
  assertBuilt();
  mkdirSync(opts.logDir, { recursive: true });
  const isolated = opts.mode === 'isolated';
  const ports = servicePorts(opts);

  const mail = new MailCatcher();
  const smtpPort = await mail.start();
  log(`SMTP server (receives the buyers' emails) on 127.0.0.1:${smtpPort}`);

  const kafka = testKafka('cardlink-world');
  let topicPrefix = '';
  const testSchemas = new Map<string, TestSchema>();
  if (isolated) {
    topicPrefix = await createTestTopics(kafka, 4);
    for (const spec of SERVICES) testSchemas.set(spec.name, await createTestSchema({ role: spec.role, prefix: `e2e_${spec.schema}` }));
    log(`isolated run: topic prefix ${topicPrefix}, schemas ${[...testSchemas.values()].map((s) => s.schema).join(', ')}`);
  }
  const schemas = Object.fromEntries(SERVICES.map((s) => [s.name, testSchemas.get(s.name)?.schema ?? s.schema]));

  const overrides = (spec: ServiceSpec): Record<string, string> => {
    const schema = testSchemas.get(spec.name);
    return {
      PORT: String(ports[spec.name]),
      ...(schema
        ? { DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema, KAFKA_TOPIC_PREFIX: topicPrefix, KAFKA_CONSUMER_GROUP: `${topicPrefix}${spec.name}` }
        : {}),
      ...(opts.sharedEnv?.(ports, smtpPort) ?? {}),
    };
  };
  await migrateAll(overrides);
  const services = startAll({ overrides, logDir: opts.logDir });
  const status = await waitReady({ ports, timeoutMs: 90_000 });
  const notReady = SERVICES.filter((s) => status.get(s.name) !== 200).map((s) => s.name);
  if (notReady.length) {
    await services.stop();
    await mail.stop();
    throw new Error(`not ready: ${notReady.join(', ')}; see the logs in ${opts.logDir}`);
  }

  return {
    ports,
    url: (service) => `http://127.0.0.1:${ports[service]}`,
    mail,
    smtpPort,
    topicPrefix,
    schemas,
    logDir: opts.logDir,
    services,
    async stop({ keepData = false } = {}) {
      await services.stop();
      await mail.stop();
      if (isolated && !keepData) {
        for (const schema of testSchemas.values()) await schema.drop();
        await deleteTestTopics(kafka, topicPrefix);
      }
    },
  };
}

export function runLogDir(name: string): string {
  return join(REPO_ROOT, 'tmp', 'flow', `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
}
