import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { allTopicNames } from '@cardlink/contracts';
import { createTopicsReady } from '@cardlink/messaging/testing';
import { kafkaBrokers, LOCAL } from './local-env';
import { CACHE_DIR, REPO_ROOT, STACK_DIR } from './paths';
import { alive, commandExists, log, portOpen, readPid, run, StackError, startDetached, stopPid, waitFor } from './process-util';

const KAFKA_VERSION = '3.9.1';
const KAFKA_DIR = join(STACK_DIR, 'kafka');
const DATA_DIR = join(KAFKA_DIR, 'data');
const LOG_FILE = join(KAFKA_DIR, 'server.log');
const PID_FILE = join(KAFKA_DIR, 'kafka.pid');
const LIBS_DIR = join(CACHE_DIR, `kafka-${KAFKA_VERSION}`, 'libs');
const PARTITIONS = Number(process.env.CARDLINK_KAFKA_PARTITIONS ?? 4);

function admin() {
  return new Kafka({
    clientId: 'cardlink-stack',
    brokers: [kafkaBrokers()],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1500,
    retry: { retries: 1 },
  }).admin();
}

export async function kafkaAnswers(): Promise<boolean> {
  if (!(await portOpen(LOCAL.kafkaHost, LOCAL.kafkaPort))) return false;
  const client = admin();
  try {
    await client.connect();
    const cluster = await client.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await client.disconnect().catch(() => undefined);
  }
}

/** Resolves the broker's jars from Maven Central once, into a cache outside the clone. */
function ensureJars(): void {
  const marker = join(LIBS_DIR, '.complete');
  if (existsSync(marker)) return;
  if (!commandExists('java')) {
    throw new StackError('Java is not installed or not on PATH: the local Kafka broker needs a Java 17+ runtime (apt-get install openjdk-17-jre-headless).');
  }
  if (!commandExists('mvn', '-v')) {
    throw new StackError('Maven is not installed or not on PATH: it fetches the Kafka broker from Maven Central (apt-get install maven).');
  }
  log(`resolving Apache Kafka ${KAFKA_VERSION} from Maven Central into ${LIBS_DIR} (first run only)`);
  run('mvn', [
    '-q', '-B',
    '-f', join(REPO_ROOT, 'tools', 'stack', 'pom.xml'),
    `-Dkafka.version=${KAFKA_VERSION}`,
    `-Dmaven.repo.local=${join(CACHE_DIR, 'm2')}`,
    'dependency:copy-dependencies',
    `-DoutputDirectory=${LIBS_DIR}`,
  ]);
  if (!readdirSync(LIBS_DIR).some((f) => f.startsWith('kafka_2.13'))) {
    throw new StackError(`Maven finished but ${LIBS_DIR} holds no kafka_2.13 jar`);
  }
  writeFileSync(marker, new Date().toISOString());
}

function writeConfig(): { serverProperties: string; log4j: string } {
  mkdirSync(KAFKA_DIR, { recursive: true });
  const serverProperties = join(KAFKA_DIR, 'server.properties');
  const log4j = join(KAFKA_DIR, 'log4j.properties');
  writeFileSync(
    serverProperties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@${LOCAL.kafkaHost}:${LOCAL.kafkaControllerPort}`,
      `listeners=PLAINTEXT://${LOCAL.kafkaHost}:${LOCAL.kafkaPort},CONTROLLER://${LOCAL.kafkaHost}:${LOCAL.kafkaControllerPort}`,
      `advertised.listeners=PLAINTEXT://${LOCAL.kafkaHost}:${LOCAL.kafkaPort}`,
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      'inter.broker.listener.name=PLAINTEXT',
      `log.dirs=${DATA_DIR}`,
      `num.partitions=${PARTITIONS}`,
      // Topics come from libs/contracts; a typo in a topic name must fail, not create a topic.
      'auto.create.topics.enable=false',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=10',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'log.retention.hours=168',
      '',
    ].join('\n'),
  );
  writeFileSync(
    log4j,
    [
      'log4j.rootLogger=INFO, file',
      'log4j.appender.file=org.apache.log4j.FileAppender',
      `log4j.appender.file.File=${LOG_FILE}`,
      'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
      'log4j.logger.state.change.logger=WARN',
      'log4j.logger.kafka.request.logger=WARN',
      '',
    ].join('\n'),
  );
  return { serverProperties, log4j };
}

function javaArgs(log4j: string, main: string, args: string[]): string[] {
  return [
    '-Xms256m', '-Xmx512m',
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${log4j}`,
    `-Dkafka.logs.dir=${KAFKA_DIR}`,
    '-cp', `${LIBS_DIR}/*`,
    main, ...args,
  ];
}

export async function ensureKafka(): Promise<void> {
  if (await kafkaAnswers()) {
    log(`Kafka answers on ${kafkaBrokers()}`);
  } else {
    const pid = readPid(PID_FILE);
    if (pid && alive(pid)) {
      log(`Kafka (pid ${pid}) is starting; waiting for it`);
    } else {
      if (await portOpen(LOCAL.kafkaHost, LOCAL.kafkaPort)) {
        throw new StackError(`port ${LOCAL.kafkaPort} is taken by something that is not a Kafka broker; free it or set CARDLINK_KAFKA_PORT`);
      }
      ensureJars();
      const { serverProperties, log4j } = writeConfig();
      if (!existsSync(join(DATA_DIR, 'meta.properties'))) {
        const clusterId = randomBytes(16).toString('base64url');
        log(`formatting Kafka storage in ${DATA_DIR}`);
        run('java', javaArgs(log4j, 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', serverProperties, '--ignore-formatted']));
      }
      log(`starting Kafka ${KAFKA_VERSION} (KRaft, single node) on ${kafkaBrokers()}; log: ${LOG_FILE}`);
      startDetached('java', javaArgs(log4j, 'kafka.Kafka', [serverProperties]), { logFile: join(KAFKA_DIR, 'stdout.log'), pidFile: PID_FILE });
    }
    await waitFor('Kafka', kafkaAnswers, 90_000, LOG_FILE);
    log('Kafka is up');
  }
  await ensureTopics();
}

/** Every topic of libs/contracts and its dead-letter topic. */
async function ensureTopics(): Promise<void> {
  const client = admin();
  await client.connect();
  try {
    const existing = new Set(await client.listTopics());
    const wanted = allTopicNames().filter((t) => !existing.has(t));
    if (wanted.length > 0) {
      await createTopicsReady(
        client,
        wanted.map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
      );
      log(`created ${wanted.length} topics`);
    }
    log(`${allTopicNames().length} topics ready`);
  } finally {
    await client.disconnect();
  }
}

export async function stopKafka(): Promise<void> {
  if (await stopPid(PID_FILE)) log('Kafka stopped');
  else log('Kafka was not started by cardlink (or is not running): left alone');
}

export async function kafkaStatus(): Promise<string> {
  const up = await kafkaAnswers();
  const pid = readPid(PID_FILE);
  const owner = pid && alive(pid) ? `started by cardlink, pid ${pid}` : 'not started by cardlink';
  return `kafka     ${up ? 'up  ' : 'down'}  ${kafkaBrokers()} (${owner})`;
}
