import { escapeHtml, type CardView, type Locale } from '../templates/template-language';

/** The longest note a report form accepts; the server bounds it again. */
export const NOTE_LIMIT = 500;

/** Server-rendered pickup pages: small, mobile-first, no external resources, one inline script and style allowed by nonce. */

/** A card on the page; with its id, the page can offer a report form (or show the report already sent). */
export interface PickupCard extends CardView {
  cardId?: string;
  reported?: { at: string; note: string };
}

export interface PickupLine {
  productTitle: string;
  cards: PickupCard[];
}

const TEXT = {
  'zh-CN': {
    title: '提取卡密',
    cardsHeading: (order: string) => `订单 ${order} 的卡密`,
    code: '卡号',
    password: '密码',
    copy: '复制',
    copied: '已复制',
    validUntil: (at: string) => `此链接有效期至 ${at}。请勿分享此页面。`,
    refusedHeading: '无法显示卡密',
    expired: '此提取链接已过期。请使用下方的订单号查询。',
    invalid: '此提取链接无效或已被修改。请使用下方的订单号查询。',
    notFound: '订单号、联系方式或验证码不正确。',
    rateLimited: '尝试次数过多，请稍后再试。',
    lookupHeading: '用订单号查询',
    orderNumber: '订单号',
    contact: '下单时填写的邮箱或手机号',
    sendCode: '发送验证码',
    codeSent: '如果信息匹配，验证码已发送到您的联系方式，15 分钟内有效。',
    oneTimeCode: '验证码',
    show: '查看卡密',
    otherLanguage: 'English',
    report: '报告此卡密无效',
    reportNote: '哪里有问题？（商家会看到）',
    reportSend: '提交报告',
    reportedOn: (at: string) => `已于 ${at} 报告：`,
    reportReceivedHeading: '已收到您的报告',
    reportReceived: '我们会核实此卡密，为您更换新卡密或退款。新卡密会像原卡密一样发送给您。',
    reportReference: '受理编号',
    yourNote: '您的描述',
    reportRefusedHeading: '无法受理此报告',
    alreadyReported: (at: string, again: string) => `此卡密已于 ${at} 被报告，正在处理中。${again} 之后才能再次报告。`,
    tooManyReports: (n: number) => `您在 24 小时内已报告 ${n} 张卡密，已达上限。请稍后再试或直接联系商家。`,
    noSuchCard: '此卡密不属于该订单，或已被更换。',
    noteRequired: '请描述卡密的问题。',
    reportExpired: '此页面已过期，无法提交报告。请重新打开提取链接或重新查询订单。',
  },
  en: {
    title: 'Pick up your cards',
    cardsHeading: (order: string) => `Cards for order ${order}`,
    code: 'Code',
    password: 'Password',
    copy: 'Copy',
    copied: 'Copied',
    validUntil: (at: string) => `This link is valid until ${at}. Do not share this page.`,
    refusedHeading: 'Cards cannot be shown',
    expired: 'This pickup link has expired. Look up your order below instead.',
    invalid: 'This pickup link is not valid or was changed. Look up your order below instead.',
    notFound: 'The order number, contact or code is not correct.',
    rateLimited: 'Too many attempts. Please try again later.',
    lookupHeading: 'Look up by order number',
    orderNumber: 'Order number',
    contact: 'Email or phone number given with the order',
    sendCode: 'Send me a code',
    codeSent: 'If the details match, a code was sent to your contact. It is valid for 15 minutes.',
    oneTimeCode: 'One-time code',
    show: 'Show my cards',
    otherLanguage: '中文',
    report: 'Report this card as invalid',
    reportNote: 'What is wrong with it? (the shop will see this)',
    reportSend: 'Send report',
    reportedOn: (at: string) => `Reported on ${at}: `,
    reportReceivedHeading: 'Report received',
    reportReceived: 'We will check the card and replace it or refund you. A replacement card reaches you the same way as the first one.',
    reportReference: 'Reference',
    yourNote: 'Your note',
    reportRefusedHeading: 'Report not accepted',
    alreadyReported: (at: string, again: string) => `This card was already reported on ${at} and is being looked into. It can be reported again after ${again}.`,
    tooManyReports: (n: number) => `You have reported ${n} cards in the last 24 hours, the most we accept. Please try again later or contact the shop.`,
    noSuchCard: 'This card is not part of the order, or it was already replaced.',
    noteRequired: 'Please describe what is wrong with the card.',
    reportExpired: 'This page is too old to send a report. Open your pickup link again or look up your order.',
  },
} as const;

export type PickupText = (typeof TEXT)['en'];
export function pickupText(locale: Locale): PickupText {
  return TEXT[locale] as PickupText;
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font-family:-apple-system,'PingFang SC','Microsoft YaHei',system-ui,sans-serif;background:#f5f6f8;color:#1d2330;line-height:1.5}
main{max-width:560px;margin:0 auto;padding:20px 16px}h1{font-size:1.3rem;margin:.2em 0 .8em}h2{font-size:1.05rem;margin:1.2em 0 .4em}
.card{background:#fff;border-radius:10px;padding:12px 14px;margin:10px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.row{display:flex;align-items:center;gap:8px;margin:4px 0}.label{color:#667;min-width:3.5em;font-size:.9rem}
.secret{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.05rem;word-break:break-all;flex:1}
button{font:inherit;border:0;border-radius:8px;background:#2461e0;color:#fff;padding:8px 14px;cursor:pointer;min-height:40px}
button.copy{padding:6px 12px;min-height:34px;background:#e8eefc;color:#2461e0}
.notice{background:#fff4e5;border-radius:8px;padding:10px 12px}.refusal{background:#fdecec;color:#8a1c1c;border-radius:8px;padding:12px}
label{display:block;margin:10px 0 4px;font-size:.95rem}input{width:100%;font:inherit;padding:10px;border:1px solid #ccd;border-radius:8px}
form button{margin-top:12px;width:100%}textarea{width:100%;font:inherit;padding:10px;border:1px solid #ccd;border-radius:8px;min-height:4.5em}
details.report{margin-top:6px}details.report summary{color:#8a1c1c;cursor:pointer;font-size:.9rem}.reported{font-size:.9rem;margin-top:6px}.muted{color:#667;font-size:.85rem}nav{text-align:right;font-size:.9rem}a{color:#2461e0}`;

const SCRIPT = `
document.querySelectorAll('button.copy').forEach(function (b) {
  b.addEventListener('click', function () {
    var v = b.getAttribute('data-copy') || '';
    var done = function () { var t = b.textContent; b.textContent = b.getAttribute('data-copied'); setTimeout(function () { b.textContent = t; }, 1500); };
    if (navigator.clipboard) navigator.clipboard.writeText(v).then(done, done); else done();
  });
});`;

function layout(locale: Locale, nonce: string, content: string, otherLanguageHref: string): string {
  const t = pickupText(locale);
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow"><meta name="referrer" content="no-referrer"><title>${escapeHtml(t.title)}</title>
<style nonce="${nonce}">${STYLE}</style></head>
<body><main><nav><a href="${escapeHtml(otherLanguageHref)}">${t.otherLanguage}</a></nav>${content}</main>
<script nonce="${nonce}">${SCRIPT}</script></body></html>`;
}

function lookupForm(locale: Locale, step: { orderNumber?: string; contact?: string; codeSent: boolean }): string {
  const t = pickupText(locale);
  const hidden = `<input type="hidden" name="lang" value="${locale}">`;
  if (!step.codeSent) {
    return `<h2>${t.lookupHeading}</h2><form method="post" action="/pickup/code" class="card">${hidden}
<label for="orderNumber">${t.orderNumber}</label><input id="orderNumber" name="orderNumber" required maxlength="128" autocomplete="off" value="${escapeHtml(step.orderNumber ?? '')}">
<label for="contact">${t.contact}</label><input id="contact" name="contact" required maxlength="254" autocomplete="email" value="${escapeHtml(step.contact ?? '')}">
<button type="submit" id="send-code">${t.sendCode}</button></form>`;
  }
  return `<h2>${t.lookupHeading}</h2><p class="notice">${t.codeSent}</p><form method="post" action="/pickup/lookup" class="card">${hidden}
<input type="hidden" name="orderNumber" value="${escapeHtml(step.orderNumber ?? '')}"><input type="hidden" name="contact" value="${escapeHtml(step.contact ?? '')}">
<label for="code">${t.oneTimeCode}</label><input id="code" name="code" required inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code">
<button type="submit" id="show-cards">${t.show}</button></form>`;
}

function reportPart(locale: Locale, card: PickupCard, index: number, reportToken: string | undefined): string {
  const t = pickupText(locale);
  if (card.reported) {
    return `<p class="notice reported" data-testid="reported">${escapeHtml(t.reportedOn(card.reported.at))}<span class="note">${escapeHtml(card.reported.note)}</span></p>`;
  }
  if (reportToken === undefined || card.cardId === undefined) return '';
  return (
    `<details class="report"><summary>${t.report}</summary><form method="post" action="/pickup/report">` +
    `<input type="hidden" name="lang" value="${locale}"><input type="hidden" name="reportToken" value="${escapeHtml(reportToken)}">` +
    `<input type="hidden" name="cardId" value="${escapeHtml(card.cardId)}">` +
    `<label for="note-${index}">${t.reportNote}</label><textarea id="note-${index}" name="note" required maxlength="${NOTE_LIMIT}"></textarea>` +
    `<button type="submit" class="report-send">${t.reportSend}</button></form></details>`
  );
}

export function cardsPage(opts: { locale: Locale; nonce: string; orderNumber: string; lines: PickupLine[]; validUntil?: string; otherLanguageHref: string; reportToken?: string }): string {
  const t = pickupText(opts.locale);
  let index = 0;
  const lines = opts.lines
    .map(
      (line) =>
        `<h2>${escapeHtml(line.productTitle)}</h2>` +
        line.cards
          .map(
            (card) =>
              `<div class="card" data-testid="card"><div class="row"><span class="label">${t.code}</span><span class="secret">${escapeHtml(card.code)}</span>` +
              `<button class="copy" type="button" data-copy="${escapeHtml(card.code)}" data-copied="${t.copied}">${t.copy}</button></div>` +
              (card.password === undefined
                ? ''
                : `<div class="row"><span class="label">${t.password}</span><span class="secret">${escapeHtml(card.password)}</span>` +
                  `<button class="copy" type="button" data-copy="${escapeHtml(card.password)}" data-copied="${t.copied}">${t.copy}</button></div>`) +
              reportPart(opts.locale, card, index++, opts.reportToken) +
              '</div>',
          )
          .join(''),
    )
    .join('');
  const validity = opts.validUntil ? `<p class="muted">${escapeHtml(t.validUntil(opts.validUntil))}</p>` : '';
  return layout(opts.locale, opts.nonce, `<h1>${escapeHtml(t.cardsHeading(opts.orderNumber))}</h1>${lines}${validity}`, opts.otherLanguageHref);
}

/** After a report was accepted: the reference and the buyer's own words, escaped. */
export function reportReceivedPage(opts: { locale: Locale; nonce: string; reportId: string; note: string; otherLanguageHref: string }): string {
  const t = pickupText(opts.locale);
  return layout(
    opts.locale,
    opts.nonce,
    `<h1>${t.reportReceivedHeading}</h1><p class="notice" id="report-received">${t.reportReceived}</p>` +
      `<div class="card"><div class="row"><span class="label">${t.reportReference}</span><span class="secret" id="report-reference">${escapeHtml(opts.reportId.slice(0, 8).toUpperCase())}</span></div>` +
      `<div class="row"><span class="label">${t.yourNote}</span><span id="report-note">${escapeHtml(opts.note)}</span></div></div>`,
    opts.otherLanguageHref,
  );
}

export type ReportRefusal =
  | { reason: 'alreadyReported'; at: string; again: string }
  | { reason: 'tooManyReports'; count: number }
  | { reason: 'noSuchCard' | 'noteRequired' | 'reportExpired' };

export function reportRefusedPage(opts: { locale: Locale; nonce: string; refusal: ReportRefusal; otherLanguageHref: string }): string {
  const t = pickupText(opts.locale);
  const r = opts.refusal;
  const message =
    r.reason === 'alreadyReported' ? t.alreadyReported(r.at, r.again) : r.reason === 'tooManyReports' ? t.tooManyReports(r.count) : t[r.reason];
  return layout(opts.locale, opts.nonce, `<h1>${t.reportRefusedHeading}</h1><p class="refusal" role="alert" id="report-refusal">${escapeHtml(message)}</p>`, opts.otherLanguageHref);
}

export type Refusal = 'expired' | 'invalid' | 'notFound' | 'rateLimited';

export function refusalPage(opts: { locale: Locale; nonce: string; refusal: Refusal; otherLanguageHref: string; form?: { orderNumber?: string; contact?: string; codeSent: boolean } }): string {
  const t = pickupText(opts.locale);
  const form = opts.refusal === 'rateLimited' ? '' : lookupForm(opts.locale, opts.form ?? { codeSent: false });
  return layout(opts.locale, opts.nonce, `<h1>${t.refusedHeading}</h1><p class="refusal" role="alert" id="refusal">${t[opts.refusal]}</p>${form}`, opts.otherLanguageHref);
}

export function lookupPage(opts: { locale: Locale; nonce: string; otherLanguageHref: string; form: { orderNumber?: string; contact?: string; codeSent: boolean } }): string {
  const t = pickupText(opts.locale);
  return layout(opts.locale, opts.nonce, `<h1>${t.title}</h1>${lookupForm(opts.locale, opts.form)}`, opts.otherLanguageHref);
}

/** Headers of every pickup response: nothing cached, nothing framed, nothing leaked through Referer, nothing loaded from elsewhere. */
export function pickupHeaders(nonce: string): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store, max-age=0',
    Pragma: 'no-cache',
    'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    'X-Robots-Tag': 'noindex, nofollow',
  };
}
