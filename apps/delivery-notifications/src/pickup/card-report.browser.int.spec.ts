import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CardReported, type EventData } from '@cardlink/contracts';
import { decodeEvent } from '@cardlink/messaging';
import { readTopic } from '@cardlink/messaging/testing';
import { DeliveryUnderTest, type TestCard } from '../testing/delivery-under-test';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const OUTPUT = resolve(__dirname, '../../../../tmp/test-output/delivery-notifications');

const cards: TestCard[] = [
  { cardId: 'r1-card-0', code: 'REPORT-CODE-AAAA-1111', password: 'report-pass-0001' },
  { cardId: 'r1-card-1', code: 'REPORT-CODE-BBBB-2222' },
];
const replacement: TestCard = { cardId: 'r1-card-9', code: 'REPLACEMENT-CODE-ZZZZ-9999', password: 'replacement-pass-9' };
const HOSTILE_NOTE = `<script>alert('x')</script><img src=x onerror=alert(1)> Steam says REPORT-CODE-AAAA-1111 was already redeemed`;

/** The buyer reports a bad card on the pickup page in headless Chromium; the replacement reaches them by email. */
describe('reporting a card on the pickup page', () => {
  const world = new DeliveryUnderTest();
  let browser: Browser;
  let page: Page;
  let link: string;
  const dialogs: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}; install Debian's chromium or set CHROMIUM_PATH`);
    mkdirSync(OUTPUT, { recursive: true });
    await world.start({ AFTERSALE_REPORTS_PER_BUYER_PER_DAY: '2', AFTERSALE_CARD_REPORT_WINDOW_HOURS: '72', PICKUP_RATE_LIMIT_PER_ORDER: '40', PICKUP_RATE_LIMIT_PER_IP: '100' });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await world.paidAndAllocated({ orderId: 'r1', shopOrderId: 'LD-REPORT-1', email: 'reporter@example.com', locale: 'en', cards });
    const mail = await world.eventually(() => world.smtp.to('reporter@example.com'), (m) => m.length === 1);
    const found = /https?:\/\/\S+\/pickup\/link\?token=[A-Za-z0-9_.-]+/.exec(mail[0]?.text ?? '');
    if (!found) throw new Error('the email carries no pickup link');
    link = found[0];
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await world.stop();
  }, 120_000);

  async function reportedEvents(count: number): Promise<EventData<typeof CardReported>[]> {
    const messages = await readTopic(world.kafka, `${world.prefix}${CardReported.topic}`, (all) => all.filter((m) => decodeEvent(m.message).type === CardReported.type).length >= count);
    return messages.map((m) => decodeEvent(m.message)).filter((e) => e.type === CardReported.type).map((e) => e.data as EventData<typeof CardReported>);
  }

  it('sends a report with a note: the page confirms it with the note escaped, and CardReported goes out with the card masked in the note', async () => {
    expect((await page.goto(link))?.status()).toBe(200);
    expect(await page.locator('details.report').count()).toBe(2);
    await page.locator('details.report summary').first().click();
    await page.locator('textarea[name="note"]').first().fill(HOSTILE_NOTE);
    await page.screenshot({ path: `${OUTPUT}/report-form.png`, fullPage: true });
    const [response] = await Promise.all([page.waitForNavigation(), page.locator('button.report-send').first().click()]);
    expect(response?.status()).toBe(201);
    const masked = HOSTILE_NOTE.replace('REPORT-CODE-AAAA-1111', '[card]');
    expect(await page.locator('#report-received').innerText()).toContain('We will check the card and replace it or refund you');
    expect(await page.locator('#report-note').innerText()).toBe(masked);
    // The note is text on the page, never markup: no script ran, no image element was made from it.
    expect(await page.locator('#report-note img, #report-note script').count()).toBe(0);
    expect(await page.content()).toContain('&lt;script&gt;alert(\'x\')&lt;/script&gt;');
    await page.screenshot({ path: `${OUTPUT}/report-received.png`, fullPage: true });

    const [event] = await reportedEvents(1);
    expect(event).toMatchObject({ orderId: 'r1', lineId: 'line-1', productId: 'prod-steam-50', cardId: 'r1-card-0', note: masked, via: 'link' });
    expect(await world.query(`SELECT card_id, note, via FROM card_reports WHERE order_id = 'r1'`)).toEqual([{ card_id: 'r1-card-0', note: masked, via: 'link' }]);
  }, 120_000);

  it('shows the report on the cards page, escaped, instead of a second form', async () => {
    await page.goto(link);
    expect(await page.locator('details.report').count()).toBe(1);
    const reported = page.locator('[data-testid="reported"]');
    expect(await reported.count()).toBe(1);
    expect(await reported.innerText()).toMatch(/^Reported on \d{4}-\d\d-\d\d \d\d:\d\d UTC: <script>alert\('x'\)<\/script><img src=x onerror=alert\(1\)> Steam says \[card\] was already redeemed$/);
    expect(await page.locator('[data-testid="card"] img, [data-testid="card"] script').count()).toBe(0);
    await page.screenshot({ path: `${OUTPUT}/report-shown.png`, fullPage: true });
  }, 120_000);

  it('refuses a second report of the same card within the window with a clear message, and publishes nothing', async () => {
    // The form for the other card carries a valid report token; the buyer sends it for the card already reported.
    const token = await page.locator('input[name="reportToken"]').first().getAttribute('value');
    const response = await page.request.post(`${world.base}/pickup/report`, { form: { reportToken: token ?? '', cardId: 'r1-card-0', note: 'still broken', lang: 'en' } });
    expect(response.status()).toBe(409);
    await page.setContent(await response.text());
    expect(await page.locator('#report-refusal').innerText()).toMatch(
      /^This card was already reported on \d{4}-\d\d-\d\d \d\d:\d\d UTC and is being looked into\. It can be reported again after \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/,
    );
    await page.screenshot({ path: `${OUTPUT}/report-refused.png`, fullPage: true });
    expect(await world.query(`SELECT count(*)::int AS n FROM card_reports WHERE card_id = 'r1-card-0'`)).toEqual([{ n: 1 }]);

    // A made-up or expired token and a card not on the order are refused too.
    expect((await page.request.post(`${world.base}/pickup/report`, { form: { reportToken: 'nonsense', cardId: 'r1-card-1', note: 'x', lang: 'en' } })).status()).toBe(403);
    expect((await page.request.post(`${world.base}/pickup/report`, { form: { reportToken: token ?? '', cardId: 'someone-elses-card', note: 'x', lang: 'en' } })).status()).toBe(404);
    expect((await page.request.post(`${world.base}/pickup/report`, { form: { reportToken: token ?? '', cardId: 'r1-card-1', note: '   ', lang: 'en' } })).status()).toBe(400);
  }, 120_000);

  it('delivers the replacement card by email and shows it instead of the voided one', async () => {
    // What card-inventory publishes once staff resolved the case by replacing the card.
    await world.allocated({ orderId: 'r1', allocationId: 'alloc-r1-replacement', cards: [replacement], replacesCardId: 'r1-card-0' });
    const mails = await world.eventually(() => world.smtp.to('reporter@example.com'), (m) => m.some((mail) => (mail.text ?? '').includes(replacement.code)));
    const mail = mails.find((m) => (m.text ?? '').includes(replacement.code));
    expect(mail?.text).toContain(replacement.password);
    expect(mail?.text).not.toContain(cards[0]?.code);
    await page.goto(link);
    const text = await page.locator('body').innerText();
    expect(text).toContain(replacement.code);
    expect(text).not.toContain(cards[0]?.code ?? 'missing');
    // The replacement is a fresh card: it may be reported like any other.
    expect(await page.locator('details.report').count()).toBe(2);
    await page.screenshot({ path: `${OUTPUT}/report-replaced.png`, fullPage: true });
  }, 120_000);

  it('limits the reports of one buyer per day across orders, then audits every report', async () => {
    await world.paidAndAllocated({ orderId: 'r2', shopOrderId: 'LD-REPORT-2', email: 'Reporter@Example.com', locale: 'en', cards: [{ cardId: 'r2-card-0', code: 'SECOND-ORDER-CODE-0001' }] });
    await world.eventually(() => world.smtp.to('Reporter@Example.com'), (m) => m.length >= 1);
    await page.goto(link);
    await page.locator('details.report summary').last().click();
    await page.locator('textarea[name="note"]').last().fill('this one too');
    const [second] = await Promise.all([page.waitForNavigation(), page.locator('button.report-send').last().click()]);
    expect(second?.status()).toBe(201);
    await reportedEvents(2);

    const otherMail = world.smtp.messages.find((m) => (m.text ?? '').includes('LD-REPORT-2') || (m.text ?? '').includes('SECOND-ORDER-CODE-0001'));
    const otherLink = /https?:\/\/\S+\/pickup\/link\?token=[A-Za-z0-9_.-]+/.exec(otherMail?.text ?? '')?.[0] ?? '';
    await page.goto(otherLink);
    await page.locator('details.report summary').first().click();
    await page.locator('textarea[name="note"]').first().fill('and this one');
    const [third] = await Promise.all([page.waitForNavigation(), page.locator('button.report-send').first().click()]);
    expect(third?.status()).toBe(429);
    expect(await page.locator('#report-refusal').innerText()).toBe('You have reported 2 cards in the last 24 hours, the most we accept. Please try again later or contact the shop.');

    expect(await world.query(`SELECT method, outcome, order_id FROM pickup_audit WHERE method = 'report' ORDER BY id`)).toEqual([
      { method: 'report', outcome: 'reported', order_id: 'r1' },
      { method: 'report', outcome: 'report_refused', order_id: 'r1' },
      { method: 'report', outcome: 'refused', order_id: null },
      { method: 'report', outcome: 'report_refused', order_id: 'r1' },
      { method: 'report', outcome: 'report_refused', order_id: 'r1' },
      { method: 'report', outcome: 'reported', order_id: 'r1' },
      { method: 'report', outcome: 'report_refused', order_id: 'r2' },
    ]);
    expect(dialogs).toEqual([]);
    // No card secret and no contact in the report table.
    const reports = JSON.stringify(await world.query('SELECT * FROM card_reports'));
    for (const secret of [...cards, replacement].flatMap((c) => [c.code, c.password ?? c.code])) expect(reports).not.toContain(secret);
    expect(reports.toLowerCase()).not.toContain('reporter@example.com');
  }, 120_000);
});
