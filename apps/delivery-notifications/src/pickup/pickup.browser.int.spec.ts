import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DeliveryUnderTest, type TestCard } from '../testing/delivery-under-test';
import { signPickupLink } from './pickup-link';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const OUTPUT = resolve(__dirname, '../../../../tmp/test-output/delivery-notifications');

const cards: TestCard[] = [
  { cardId: 'p1-card-0', code: 'PICKUP-CODE-AAAA-1111', password: 'pickup-pass-0001' },
  { cardId: 'p1-card-1', code: 'PICKUP-CODE-BBBB-2222' },
];

describe('the pickup page in headless Chromium', () => {
  const world = new DeliveryUnderTest();
  let browser: Browser;
  let page: Page;
  let link: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}; install Debian's chromium or set CHROMIUM_PATH`);
    mkdirSync(OUTPUT, { recursive: true });
    await world.start({ PICKUP_RATE_LIMIT_PER_ORDER: '8', PICKUP_RATE_LIMIT_PER_IP: '40' });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-US' });

    await world.paidAndAllocated({ orderId: 'p1', shopOrderId: 'LD-PICKUP-1', email: 'picker@example.com', locale: 'en', cards });
    const mail = await world.eventually(() => world.smtp.to('picker@example.com'), (m) => m.length === 1);
    const found = /https?:\/\/\S+\/pickup\/link\?token=[A-Za-z0-9_.-]+/.exec(mail[0]?.text ?? '');
    if (!found) throw new Error('the email carries no pickup link');
    link = found[0];
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await world.stop();
  }, 120_000);

  async function visibleCodes(): Promise<string[]> {
    const text = await page.locator('body').innerText();
    return cards.flatMap((c) => [c.code, c.password ?? c.code]).filter((secret) => text.includes(secret));
  }

  it('shows the cards behind a signed link, with copy buttons and strict headers', async () => {
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    expect(await page.locator('[data-testid="card"]').count()).toBe(2);
    expect(await visibleCodes()).toEqual(['PICKUP-CODE-AAAA-1111', 'pickup-pass-0001', 'PICKUP-CODE-BBBB-2222', 'PICKUP-CODE-BBBB-2222']);
    expect(await page.locator('button.copy').count()).toBe(3);
    const headers = response?.headers() ?? {};
    expect(headers['cache-control']).toContain('no-store');
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-content-type-options']).toBe('nosniff');
    await page.screenshot({ path: `${OUTPUT}/pickup-cards.png`, fullPage: true });

    await page.click('nav a');
    expect(await page.locator('h1').innerText()).toBe('订单 LD-PICKUP-1 的卡密');

    const audit = await world.query<{ outcome: string; method: string }>(`SELECT outcome, method FROM pickup_audit WHERE order_id = 'p1' ORDER BY id`);
    expect(audit).toEqual([
      { outcome: 'shown', method: 'link' },
      { outcome: 'shown', method: 'link' },
    ]);
  }, 120_000);

  it('refuses a tampered or expired link clearly and shows no card', async () => {
    const tampered = link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    let response = await page.goto(`${tampered}&lang=en`);
    expect(response?.status()).toBe(403);
    expect(await page.locator('#refusal').innerText()).toContain('not valid');
    expect(await visibleCodes()).toEqual([]);

    const expired = signPickupLink(world.pickupSecret, 'p1', new Date(Date.now() - 60_000));
    response = await page.goto(`${world.base}/pickup/link?token=${expired}&lang=en`);
    expect(response?.status()).toBe(410);
    expect(await page.locator('#refusal').innerText()).toContain('expired');
    expect(await visibleCodes()).toEqual([]);
    await page.screenshot({ path: `${OUTPUT}/pickup-expired.png`, fullPage: true });
  }, 120_000);

  it('shows no card for a wrong contact or a wrong code, and the cards for the code sent to the contact', async () => {
    await page.goto(`${world.base}/pickup?lang=en`);
    await page.fill('#orderNumber', 'LD-PICKUP-1');
    await page.fill('#contact', 'someone-else@example.com');
    await page.click('#send-code');
    expect(await page.locator('.notice').innerText()).toContain('If the details match');
    await page.fill('#code', '123456');
    await page.click('#show-cards');
    expect(await page.locator('#refusal').innerText()).toContain('not correct');
    expect(await visibleCodes()).toEqual([]);
    expect(world.smtp.to('someone-else@example.com')).toHaveLength(0);

    await page.goto(`${world.base}/pickup?lang=en`);
    await page.fill('#orderNumber', 'LD-PICKUP-1');
    await page.fill('#contact', 'Picker@Example.com');
    await page.click('#send-code');
    const codeMail = await world.eventually(() => world.smtp.messages.filter((m) => m.subject === 'Your pickup code'), (m) => m.length === 1);
    const code = /\b(\d{6})\b/.exec(codeMail[0]?.text ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);
    await page.fill('#code', code === '000000' ? '000001' : '000000');
    await page.click('#show-cards');
    expect(await visibleCodes()).toEqual([]);
    await page.fill('#code', code ?? '');
    await page.click('#show-cards');
    expect(await visibleCodes()).toEqual(['PICKUP-CODE-AAAA-1111', 'pickup-pass-0001', 'PICKUP-CODE-BBBB-2222', 'PICKUP-CODE-BBBB-2222']);
  }, 120_000);

  it('rate limits too many attempts on one order and from one address', async () => {
    let status = 0;
    for (let i = 0; i < 10 && status !== 429; i++) {
      const response = await page.request.post(`${world.base}/pickup/lookup`, { form: { orderNumber: 'LD-PICKUP-1', contact: 'picker@example.com', code: '999999', lang: 'en' } });
      status = response.status();
    }
    expect(status).toBe(429);
    // Even the right link is refused for this order until the window passes.
    const response = await page.goto(link);
    expect(response?.status()).toBe(429);
    expect(await page.locator('#refusal').innerText()).toContain('Too many attempts');
    expect(await visibleCodes()).toEqual([]);
    await page.screenshot({ path: `${OUTPUT}/pickup-rate-limited.png`, fullPage: true });

    // Links that name no order: only the per-address limit can stop them.
    status = 0;
    for (let i = 0; i < 45 && status !== 429; i++) status = (await page.request.get(`${world.base}/pickup/link?token=nonsense${i}`)).status();
    expect(status).toBe(429);
    const [{ limited }] = await world.query<{ limited: number }>(`SELECT count(*)::int AS limited FROM pickup_audit WHERE outcome = 'rate_limited' AND order_id IS NULL`);
    expect(limited).toBe(1);
  }, 120_000);

  it('kept no card secret and no one-time code in plaintext in its tables or logs', async () => {
    const dump = await world.schemaDump();
    const logs = world.logs.text();
    expect(logs).toContain('"msg":"pickup"');
    // The link is a credential: request logs show it redacted.
    expect(logs).toContain('token=[redacted]');
    expect(logs).not.toContain(new URL(link).searchParams.get('token') ?? 'no token');
    for (const secret of cards.flatMap((c) => [c.code, c.password ?? c.code])) {
      expect(dump).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    const sentCodes = world.smtp.messages.map((m) => /\b(\d{6})\b/.exec(m.text ?? '')?.[1]).filter((c): c is string => c !== undefined);
    for (const code of sentCodes) expect(dump).not.toContain(`"${code}"`);
  });
});
