import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ASYNCAPI_YAML_HEADER, buildAsyncApiDocument, renderAsyncApiYaml } from './asyncapi';
import type { EventDefinition } from './event-definition';
import { EVENT_CATALOG } from './events';
import { deadLetterTopic, TOPICS } from './topics';

const CATALOG = EVENT_CATALOG as readonly EventDefinition[];
const COMMITTED = join(__dirname, '..', '..', 'asyncapi.yaml');

/** Top-level fields the zod schema cannot do without. */
function requiredFields(definition: EventDefinition): string[] {
  const shape = (definition.schema as z.ZodObject).shape as Record<string, z.ZodType>;
  return Object.entries(shape)
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([key]) => key);
}

function camel(value: string): string {
  return value.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

describe('AsyncAPI document', () => {
  let document: AsyncAPIDocumentInterface;

  beforeAll(async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(buildAsyncApiDocument() as never);
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
    expect(errors.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(parsed).toBeDefined();
    document = parsed as AsyncAPIDocumentInterface;
  });

  it('is AsyncAPI 3 without error diagnostics', () => {
    expect(document.version()).toMatch(/^3\./);
  });

  it('has one channel per topic, addressed by the topic name', () => {
    const addresses = document.channels().all().map((c) => c.address());
    expect(addresses.sort()).toEqual([...Object.values(TOPICS)].sort());
  });

  it.each(Object.values(TOPICS))('the channel of %s carries exactly the events of that topic and names its dead-letter topic', (topic) => {
    const channel = document.channels().all().find((c) => c.address() === topic);
    const expected = CATALOG.filter((d) => d.topic === topic).map((d) => d.type);
    expect(channel?.messages().all().map((m) => m.name()).sort()).toEqual(expected.sort());
    expect(channel?.description()).toContain(deadLetterTopic(topic));
  });

  it('has one message per event type', () => {
    const names = document.components().messages().all().map((m) => m.name());
    expect(names.sort()).toEqual(CATALOG.map((d) => d.type).sort());
  });

  describe.each(CATALOG.map((d) => [d.type, d] as const))('%s', (type, definition) => {
    const message = () => document.components().messages().all().find((m) => m.name() === type);

    it("has a payload with the schema's fields, the required ones marked required", () => {
      const payload = message()?.payload();
      const shape = (definition.schema as z.ZodObject).shape as Record<string, unknown>;
      expect(payload?.type()).toBe('object');
      expect(Object.keys(payload?.properties() ?? {}).sort()).toEqual(Object.keys(shape).sort());
      expect([...(payload?.required() ?? [])].sort()).toEqual(requiredFields(definition).sort());
    });

    it('carries the CloudEvents headers and a string Kafka key', () => {
      const headers = message()?.headers();
      expect(headers?.required()).toEqual(expect.arrayContaining(['ce_id', 'ce_type', 'ce_source', 'ce_subject', 'ce_correlationid']));
      expect(message()?.bindings().get('kafka')?.value()).toMatchObject({ key: { type: 'string' } });
    });

    it('is sent by its producer and received by each of its consumers', () => {
      const operations = document.operations().all().filter((o) => o.messages().all().some((m) => m.name() === type));
      const senders = operations.filter((o) => o.action() === 'send').map((o) => o.id()?.split('Sends')[0]);
      const receivers = operations.filter((o) => o.action() === 'receive').map((o) => o.id()?.split('Receives')[0]);
      expect(senders).toEqual([camel(definition.producer)]);
      expect(receivers.sort()).toEqual(definition.consumers.map(camel).sort());
      for (const operation of operations) expect(operation.channels().all().map((c) => c.address())).toEqual([definition.topic]);
    });
  });
});

describe('renderAsyncApiYaml', () => {
  const yaml = renderAsyncApiYaml();

  it('starts with the do-not-edit header', () => {
    expect(yaml.split('\n')[0]).toBe(ASYNCAPI_YAML_HEADER);
    expect(ASYNCAPI_YAML_HEADER).toMatch(/^# .*npm run contracts:asyncapi.*Do not edit/);
  });

  it('reads back as the built document, keys in the order they were built', () => {
    expect(JSON.stringify(parseYaml(yaml))).toBe(JSON.stringify(buildAsyncApiDocument()));
  });

  it('writes shared objects out in full rather than as YAML aliases', () => {
    expect(yaml).not.toMatch(/^\s*(?:-\s+)?\S+:\s+[&*]a\d+/m);
  });

  it('matches the committed libs/contracts/asyncapi.yaml (run `npm run contracts:asyncapi` after changing an event)', () => {
    const committed = readFileSync(COMMITTED, 'utf8').replace(/\r\n/g, '\n');
    if (committed !== yaml) {
      throw new Error(
        'libs/contracts/asyncapi.yaml is out of date with the event catalog. ' +
          'Run `npm run contracts:asyncapi` (tools/contracts/generate-asyncapi.ts) and commit the file.',
      );
    }
  });
});
