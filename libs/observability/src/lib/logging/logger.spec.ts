import { createLogger } from './logger';
import { REDACTED } from './masking';
import { redactUrlQuery } from './redaction';

type LogLine = Record<string, unknown>;

function captureLogs(): {
  lines: LogLine[];
  destination: { write(line: string): void };
} {
  const lines: LogLine[] = [];
  return {
    lines,
    destination: { write: (line) => lines.push(JSON.parse(line) as LogLine) },
  };
}

const CARD_SECRET = 'KEY-7Q2W-9XZP-4LMN';
const PASSWORD = 'hunter2-staff-password';

describe('createLogger', () => {
  it('writes JSON with the service, an ISO time and a named level', () => {
    const { lines, destination } = captureLogs();
    createLogger({ service: 'order-processing', destination }).info(
      'order paid',
    );

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      service: 'order-processing',
      level: 'info',
      msg: 'order paid',
    });
    expect(new Date(lines[0]['time'] as string).toISOString()).toBe(
      lines[0]['time'],
    );
  });

  it('respects the configured level', () => {
    const { lines, destination } = captureLogs();
    const logger = createLogger({
      service: 'risk-control',
      level: 'warn',
      destination,
    });
    logger.info('not written');
    logger.warn('written');

    expect(lines.map((line) => line['msg'])).toEqual(['written']);
  });

  it('redacts card secrets and credentials and masks buyer contacts', () => {
    const { lines, destination } = captureLogs();
    createLogger({ service: 'delivery-notifications', destination }).info(
      {
        orderId: 'ord_1',
        cardSecret: CARD_SECRET,
        staff: { password: PASSWORD },
        buyer: { email: 'alice@example.com', phone: '13812345678' },
        delivery: {
          cards: [{ secret: CARD_SECRET }, { plaintext: CARD_SECRET }],
        },
        order: { items: [{ secret: CARD_SECRET }] },
      },
      'card delivered',
    );

    const raw = JSON.stringify(lines[0]);
    expect(raw).not.toContain(CARD_SECRET);
    expect(raw).not.toContain(PASSWORD);
    expect(raw).not.toContain('alice@');
    expect(raw).not.toContain('12345678');
    expect(lines[0]).toMatchObject({
      orderId: 'ord_1',
      cardSecret: REDACTED,
      staff: { password: REDACTED },
      buyer: { email: 'a***@example.com', phone: '138****5678' },
      delivery: { cards: [{ secret: REDACTED }, { plaintext: REDACTED }] },
      order: { items: [{ secret: REDACTED }] },
    });
  });

  it('redacts every listed credential key at the top level and two levels down', () => {
    const { lines, destination } = captureLogs();
    const credentials = {
      secret: 's',
      cardSecret: 's',
      plaintext: 's',
      password: 's',
      passcode: 's',
      token: 's',
      accessToken: 's',
      apiKey: 's',
      privateKey: 's',
    };
    createLogger({ service: 'shop-gateway', destination }).info({
      ...credentials,
      outer: { inner: credentials },
    });

    const redacted = Object.fromEntries(
      Object.keys(credentials).map((key) => [key, REDACTED]),
    );
    expect(lines[0]).toMatchObject({ ...redacted, outer: { inner: redacted } });
  });

  it('redacts credential headers of a logged request', () => {
    const { lines, destination } = captureLogs();
    createLogger({ service: 'shop-gateway', destination }).info({
      req: {
        headers: {
          authorization: 'Bearer staff-token',
          cookie: 'session=abc',
          'webhook-signature': 'v1,c2lnbmF0dXJl',
          'x-api-key': 'partner-key',
          'content-type': 'application/json',
        },
      },
    });

    expect(lines[0]['req']).toEqual({
      headers: {
        authorization: REDACTED,
        cookie: REDACTED,
        'webhook-signature': REDACTED,
        'x-api-key': REDACTED,
        'content-type': 'application/json',
      },
    });
  });

  it('redacts secrets bound to child loggers', () => {
    const { lines, destination } = captureLogs();
    createLogger({ service: 'card-inventory', destination })
      .child({ apiKey: 'supplier-key' })
      .info({ buyer: { email: 'bob@example.org' } }, 'imported');

    expect(lines[0]).toMatchObject({
      apiKey: REDACTED,
      buyer: { email: 'b***@example.org' },
    });
  });

  it('replaces a contact that is not a string instead of logging it', () => {
    const { lines, destination } = captureLogs();
    createLogger({ service: 'shop-gateway', destination }).info({
      email: { address: 'x@y.z' },
    });

    expect(lines[0]['email']).toBe(REDACTED);
  });
});

describe('redactUrlQuery', () => {
  it('redacts secret query parameters and keeps the rest', () => {
    expect(
      redactUrlQuery('/pickup/ord_1?token=abc.def&lang=en&Signature=xyz'),
    ).toBe(`/pickup/ord_1?token=${REDACTED}&lang=en&Signature=${REDACTED}`);
  });

  it('leaves URLs without secrets untouched', () => {
    expect(redactUrlQuery('/orders/ord_1?page=2')).toBe('/orders/ord_1?page=2');
    expect(redactUrlQuery('/orders')).toBe('/orders');
  });
});
