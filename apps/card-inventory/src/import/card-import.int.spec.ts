import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { UnitOfWork } from '@cardlink/platform';
import { withTransaction } from '@cardlink/persistence';
import { BackorderService } from '../backorders/backorder.service';
import { CardSecrets } from '../secrets/card-secrets';
import { inventoryTestDatabase, testCardSecrets, type InventoryTestDatabase } from '../testing/inventory-test-database';
import { CardImportController } from './card-import.controller';
import { CardImportService, MAX_LISTED_REJECTS, type ImportReport } from './card-import.service';

describe('card import against real Postgres', () => {
  let db: InventoryTestDatabase;
  let app: INestApplication;
  let base: string;
  const { secrets } = testCardSecrets();

  beforeAll(async () => {
    db = await inventoryTestDatabase();
    const moduleRef = await Test.createTestingModule({
      controllers: [CardImportController],
      providers: [
        CardImportService,
        { provide: CardSecrets, useValue: secrets },
        // The platform's UnitOfWork also wakes the outbox relay; a plain transaction is enough here.
        { provide: UnitOfWork, useValue: { run: (work: never) => withTransaction(db.dataSource, work) } },
        { provide: BackorderService, useValue: { nudge: () => undefined } },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  async function upload(productId: string, body: string, contentType = 'text/plain'): Promise<Response> {
    return fetch(`${base}/products/${encodeURIComponent(productId)}/cards/import`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
  }

  async function imported(productId: string, body: string, contentType?: string): Promise<ImportReport> {
    const response = await upload(productId, body, contentType);
    expect(response.status).toBe(201);
    return (await response.json()) as ImportReport;
  }

  it('counts accepted, duplicate and invalid lines exactly, also across batches, and stores no plaintext', async () => {
    const product = 'prod-import-1';
    const first = await imported(
      product,
      ['CARD-AAAA-0001,pw-one', 'CARD-AAAA-0002,pw-two,2099-12-31', '', 'CARD-AAAA-0001 , pw-one', ',missing-code', 'CARD-AAAA-0003', 'a,b,c,d'].join('\n'),
    );
    expect(first).toEqual({
      batchId: expect.any(String),
      productId: product,
      accepted: 3,
      duplicates: 1,
      invalid: 2,
      rejects: [
        { line: 5, reason: 'the code is empty' },
        { line: 7, reason: 'expected code[,password[,expiry]] but found 4 fields' },
      ],
      rejectsTruncated: false,
    });

    const second = await imported(product, 'CARD-AAAA-0003\r\n"CARD,BBBB-0004",pw-four\r\nCARD-AAAA-0002,pw-two,2099-12-31\r\n', 'text/csv; charset=utf-8');
    expect(second).toMatchObject({ accepted: 1, duplicates: 2, invalid: 0, rejects: [] });
    expect(second.batchId).not.toBe(first.batchId);

    const batches = await db.dataSource.query(`SELECT id, accepted, duplicates, invalid, status FROM card_batches WHERE product_id = $1 ORDER BY created_at`, [product]);
    expect(batches).toEqual([
      { id: first.batchId, accepted: 3, duplicates: 1, invalid: 2, status: 'active' },
      { id: second.batchId, accepted: 1, duplicates: 2, invalid: 0, status: 'active' },
    ]);

    const cards = await db.dataSource.query(`SELECT * FROM cards WHERE product_id = $1`, [product]);
    expect(cards).toHaveLength(4);
    expect(cards.map((c: { masked_hint: string }) => c.masked_hint).sort()).toEqual(['CA****01', 'CA****02', 'CA****03', 'CA****04']);
    const dump = await db.dataSource.query(`SELECT c::text AS row FROM cards c UNION ALL SELECT b::text FROM card_batches b UNION ALL SELECT p::text FROM card_pools p`);
    const text = dump.map((r: { row: string }) => r.row).join('\n');
    for (const secret of ['CARD-AAAA-0001', 'CARD-AAAA-0002', 'CARD-AAAA-0003', 'BBBB-0004', 'pw-one', 'pw-two', 'pw-four']) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(Buffer.from(secret).toString('hex'));
    }

    const stored = cards.find((c: { masked_hint: string }) => c.masked_hint === 'CA****04');
    expect(secrets.reveal(stored.id, { keyId: stored.key_id, iv: stored.iv, ciphertext: stored.ciphertext })).toEqual({ code: 'CARD,BBBB-0004', password: 'pw-four' });
  });

  it('lists at most the first thousand rejects and says so', async () => {
    const lines = Array.from({ length: MAX_LISTED_REJECTS + 5 }, () => ',no code');
    const report = await imported('prod-import-many-rejects', lines.join('\n'));
    expect(report.invalid).toBe(MAX_LISTED_REJECTS + 5);
    expect(report.rejects).toHaveLength(MAX_LISTED_REJECTS);
    expect(report.rejects[MAX_LISTED_REJECTS - 1]).toEqual({ line: MAX_LISTED_REJECTS, reason: 'the code is empty' });
    expect(report.rejectsTruncated).toBe(true);
  });

  it('inserts in chunks: thousands of lines with duplicates between chunks are counted exactly', async () => {
    const lines = Array.from({ length: 2500 }, (_, i) => `BULK-${String(i).padStart(6, '0')}`);
    lines.push(...lines.slice(0, 300));
    const report = await imported('prod-import-bulk', lines.join('\n'));
    expect(report).toMatchObject({ accepted: 2500, duplicates: 300, invalid: 0 });
    const [{ count }] = await db.dataSource.query(`SELECT count(*)::int AS count FROM cards WHERE product_id = 'prod-import-bulk'`);
    expect(count).toBe(2500);
  });

  it('leaves nothing behind when the import fails part-way', async () => {
    const service = new CardImportService(secrets);
    async function* failingLines() {
      for (let i = 0; i < 1500; i++) yield `HALF-${i}`;
      throw new Error('connection lost');
    }
    await expect(withTransaction(db.dataSource, (manager) => service.importCards(manager, 'prod-import-failed', failingLines()))).rejects.toThrow('connection lost');
    const [{ cards }] = await db.dataSource.query(`SELECT count(*)::int AS cards FROM cards WHERE product_id = 'prod-import-failed'`);
    const [{ batches }] = await db.dataSource.query(`SELECT count(*)::int AS batches FROM card_batches WHERE product_id = 'prod-import-failed'`);
    expect({ cards, batches }).toEqual({ cards: 0, batches: 0 });
  });

  it('refuses other content types with 415 and a reason', async () => {
    const response = await fetch(`${base}/products/p1/cards/import`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'x' }),
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { message: string }).message).toBe('send the cards as text/plain or text/csv, one card per line');
  });

  it('refuses a product id that is too long with 400', async () => {
    const response = await upload('p'.repeat(129), 'CODE-1');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toBe('productId must be 1 to 128 characters');
  });
});
