/**
 * After-sale end to end: the six services as production builds, real Kafka,
 * PostgreSQL and SMTP, the shop simulator. A buyer reports a card on the
 * pickup page; a second report of the card is refused with a clear message;
 * staff replace it; the buyer receives the replacement by email and the shop
 * as a fulfilment; the case's audit shows each step.
 */
import { randomBytes } from 'node:crypto';
import type { RunningShopSimulator } from '@cardlink/shop-simulator';
import { AdminApi } from './admin-api';
import { mailsAbout, pickupLinkIn, reportCard, reportFormOn } from './pickup-page';
import { eventually, PATIENT_SENDER, runFlow, type FlowPlan } from './scenario';
import { startSimulatedWorld } from './simulated-world';
import { runLogDir, type World } from './world';

const PORT_OFFSET = Number(process.env['CARDLINK_E2E_PORT_OFFSET'] ?? 700);
const RUN_ID = `as${randomBytes(3).toString('hex')}`;
const PLAN: FlowPlan = { runId: RUN_ID, seed: 20261127, products: [{ key: 'game', title: 'Game wallet card 50', price: 5_000, cards: 30 }], orders: 4, ratePerSecond: 4, fraudShare: 0, burst: 0, regularBuyers: 2 };
const log = (line: string) => process.stdout.write(`[after-sale] ${line}\n`);

describe('after-sale: a buyer reports a bad card and gets a replacement', () => {
  let simulator: RunningShopSimulator;
  let world: World;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const started = await startSimulatedWorld({
      mode: 'isolated',
      portOffset: PORT_OFFSET,
      logDir: runLogDir('after-sale'),
      log,
      simulator: { senderSchedule: PATIENT_SENDER, seed: PLAN.seed },
      env: { LOG_LEVEL: 'info' },
    });
    ({ simulator, world } = started);
    stop = () => started.stop({ keepData: false });
  }, 300_000);

  afterAll(async () => {
    await stop?.();
  }, 120_000);

  it('refuses a second report of the card, replaces it on staff request, delivers the replacement by email and to the shop, and audits each step', async () => {
    const run = await runFlow(world, simulator, PLAN, { settleTimeoutMs: 120_000, log });
    log(`orders settled: ${JSON.stringify(run.states)}`);
    const api = new AdminApi(world);
    const completed = await api.get<{ items: { id: string; shopOrderId: string }[] }>('order-processing', '/orders?state=COMPLETED');
    const order = completed.items[0];
    if (!order) throw new Error('no completed order');
    const mailFor = () => mailsAbout(world.mail, order.shopOrderId);
    const [first] = await eventually('the first email', mailFor, (m) => m.length >= 1);
    const link = pickupLinkIn(world, first?.text ?? '');
    const buyer = first?.to[0] ?? '';

    // The buyer opens the page and reports the first card.
    const form = reportFormOn(await (await fetch(link)).text());
    const { cardId, shownCode } = form;
    const reportedAt = Date.now();
    const report = await reportCard(world, form, '<b>Steam</b> says this code was already used');
    expect(report.status).toBe(201);
    const again = await reportCard(world, form, 'still broken');
    const againHtml = await again.text();
    const refusal = /id="report-refusal">([^<]+)</.exec(againHtml)?.[1];
    expect(again.status).toBe(409);
    expect(refusal).toMatch(/^This card was already reported on .* UTC and is being looked into\. It can be reported again after .* UTC\.$/);
    log(`second report of the card: ${again.status} "${refusal}"`);

    // Staff see the case and replace the card.
    const cases = await eventually(
      'the case',
      () => api.get<{ items: { id: string; state: string; cardId: string; note: string }[] }>('order-processing', `/aftersale/cases?orderId=${order.id}`),
      (c) => c.items.length === 1,
    );
    const opened = cases.items[0];
    if (!opened) throw new Error('no case');
    expect(opened.cardId).toBe(cardId);
    log(`case ${opened.id} opened ${Date.now() - reportedAt} ms after the report: ${opened.state}, note ${JSON.stringify(opened.note)}`);
    const replaceAt = Date.now();
    await api.post('order-processing', `/aftersale/cases/${opened.id}/replace`, { reason: 'code confirmed used' });
    const done = await eventually(
      'the case replaced',
      () => api.get<{ state: string; audit: { action: string; actor: string; detail: string }[] }>('order-processing', `/aftersale/cases/${opened.id}`),
      (c) => c.state === 'replaced',
    );
    log(`case replaced ${Date.now() - replaceAt} ms after staff asked`);

    // The buyer receives the replacement by email, and the shop as a fulfilment.
    const mails = await eventually('the replacement email', mailFor, (m) => m.length >= 2);
    const replacementMail = mails[mails.length - 1];
    expect(replacementMail?.text).not.toContain(shownCode);
    expect(replacementMail?.to[0]).toBe(buyer);
    const fulfilments = await eventually(
      'the replacement fulfilment',
      () => simulator.records('fulfilment').filter((f) => f.shopOrderId === order.shopOrderId),
      (f) => f.length >= 2,
    );
    const replacementCode = fulfilments[fulfilments.length - 1]?.cards[0]?.code ?? '';
    expect(replacementCode).not.toBe('');
    expect(replacementCode).not.toBe(shownCode);
    expect(replacementMail?.text).toContain(replacementCode);
    log(`replacement delivered ${Date.now() - replaceAt} ms after staff asked: email to the buyer and shop fulfilment ${fulfilments.length} with a new card`);
    const after = await (await fetch(link)).text();
    expect(after).toContain(replacementCode);
    expect(after).not.toContain(shownCode);

    log(`audit: ${done.audit.map((a) => `${a.action} by ${a.actor}`).join(' → ')}`);
    expect(done.audit.map((a) => a.action).filter((a) => a !== 'card-voided')).toEqual(['opened', 'replacement-requested', 'replaced']);
    expect(done.audit.map((a) => a.action)).toContain('card-voided');
  }, 300_000);
});
