/**
 * The merchant's message templates: plain text with `{{ variable }}`
 * placeholders from a fixed list. Rendered twice for email (text, and HTML
 * with every value escaped) and once for SMS. Plain TypeScript, no framework.
 */

export const TEMPLATE_VARIABLES = ['order.id', 'order.number', 'product.id', 'product.title', 'cards', 'cardCount', 'pickupLink', 'pickupExpiresAt'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

export type TemplateChannel = 'email' | 'sms';
export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

export interface CardView {
  code: string;
  password?: string;
}

export interface TemplateValues {
  order: { id: string; number: string };
  product: { id: string; title: string };
  cards: readonly CardView[];
  pickupLink: string;
  pickupExpiresAt: string;
}

export interface TemplateText {
  subject: string | null;
  body: string;
}

type Part = { text: string } | { variable: TemplateVariable };

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const KNOWN = new Set<string>(TEMPLATE_VARIABLES);

/** Every problem with a template's text; empty when it can be saved. */
export function templateProblems(source: string, field: string): string[] {
  const problems: string[] = [];
  for (const match of source.matchAll(PLACEHOLDER)) {
    if (!KNOWN.has(match[1])) problems.push(`${field}: unknown variable {{${match[1]}}}; known: ${TEMPLATE_VARIABLES.join(', ')}`);
  }
  const leftover = source.replace(PLACEHOLDER, '');
  if (leftover.includes('{{') || leftover.includes('}}')) problems.push(`${field}: unbalanced {{ or }}`);
  return problems;
}

export function validateTemplate(channel: TemplateChannel, template: TemplateText): string[] {
  const problems = [...templateProblems(template.body, 'body')];
  if (!template.body.trim()) problems.push('body: must not be empty');
  if (channel === 'email') {
    if (!template.subject?.trim()) problems.push('subject: an email needs a subject');
    else problems.push(...templateProblems(template.subject, 'subject'));
    if (template.subject?.includes('\n')) problems.push('subject: must be one line');
  } else if (template.subject) {
    problems.push('subject: an SMS has no subject');
  }
  if (channel === 'sms' && !/\{\{\s*(cards|pickupLink)\s*\}\}/.test(template.body)) problems.push('body: an SMS must contain {{cards}} or {{pickupLink}}');
  return problems;
}

function parse(source: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push({ text: source.slice(last, match.index) });
    if (!KNOWN.has(match[1])) throw new Error(`unknown template variable {{${match[1]}}}`);
    parts.push({ variable: match[1] as TemplateVariable });
    last = match.index + match[0].length;
  }
  if (last < source.length) parts.push({ text: source.slice(last) });
  return parts;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function cardsText(cards: readonly CardView[], locale: Locale, oneLine: boolean): string {
  const password = locale === 'zh-CN' ? '密码' : 'password';
  const lines = cards.map((c) => (c.password === undefined ? c.code : `${c.code} (${password}: ${c.password})`));
  return oneLine ? lines.join('; ') : lines.map((l) => `  ${l}`).join('\n');
}

function cardsHtml(cards: readonly CardView[], locale: Locale): string {
  const password = locale === 'zh-CN' ? '密码' : 'password';
  const items = cards.map(
    (c) =>
      `<li style="font-family:monospace;font-size:16px;margin:4px 0"><code>${escapeHtml(c.code)}</code>` +
      (c.password === undefined ? '' : ` &nbsp;${password}: <code>${escapeHtml(c.password)}</code>`) +
      '</li>',
  );
  return `<ul style="padding-left:18px">${items.join('')}</ul>`;
}

function valueOf(variable: TemplateVariable, values: TemplateValues, mode: 'text' | 'sms' | 'html', locale: Locale): string {
  const escape = mode === 'html' ? escapeHtml : (t: string) => t;
  switch (variable) {
    case 'order.id':
      return escape(values.order.id);
    case 'order.number':
      return escape(values.order.number);
    case 'product.id':
      return escape(values.product.id);
    case 'product.title':
      return escape(values.product.title);
    case 'cardCount':
      return String(values.cards.length);
    case 'pickupLink':
      return mode === 'html' ? `<a href="${escapeHtml(values.pickupLink)}">${escapeHtml(values.pickupLink)}</a>` : values.pickupLink;
    case 'pickupExpiresAt':
      return escape(values.pickupExpiresAt);
    case 'cards':
      return mode === 'html' ? cardsHtml(values.cards, locale) : cardsText(values.cards, locale, mode === 'sms');
  }
}

export function render(source: string, values: TemplateValues, mode: 'text' | 'sms' | 'html', locale: Locale): string {
  return parse(source)
    .map((part) => ('text' in part ? (mode === 'html' ? escapeHtml(part.text) : part.text) : valueOf(part.variable, values, mode, locale)))
    .join('');
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function renderEmail(template: TemplateText, values: TemplateValues, locale: Locale): RenderedEmail {
  const html = render(template.body, values, 'html', locale)
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  return {
    subject: render(template.subject ?? '', values, 'text', locale),
    text: render(template.body, values, 'text', locale),
    html: `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"></head><body style="font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;line-height:1.5">${html}</body></html>`,
  };
}

export function renderSms(template: TemplateText, values: TemplateValues, locale: Locale): string {
  return render(template.body, values, 'sms', locale);
}

/** The built-in wording, used for any product and language the merchant did not write one for. */
export const DEFAULT_TEMPLATES: Record<TemplateChannel, Record<Locale, TemplateText>> = {
  email: {
    en: {
      subject: 'Your cards for order {{order.number}}',
      body: 'Thank you for your order {{order.number}}.\n\n{{product.title}} × {{cardCount}}:\n{{cards}}\n\nYou can also see your cards on this page until {{pickupExpiresAt}}:\n{{pickupLink}}\n\nPlease keep them safe and do not share them.',
    },
    'zh-CN': {
      subject: '订单 {{order.number}} 的卡密',
      body: '感谢您的购买（订单 {{order.number}}）。\n\n{{product.title}} × {{cardCount}}：\n{{cards}}\n\n在 {{pickupExpiresAt}} 之前，您也可以在此页面查看卡密：\n{{pickupLink}}\n\n请妥善保管，切勿泄露给他人。',
    },
  },
  sms: {
    en: { subject: null, body: 'Order {{order.number}}: {{cards}}. View: {{pickupLink}}' },
    'zh-CN': { subject: null, body: '订单{{order.number}}卡密：{{cards}}。查看：{{pickupLink}}' },
  },
};

/** Sample values for previews: never real cards. */
export const PREVIEW_VALUES: TemplateValues = {
  order: { id: '7f1c2b9e-0000-4000-8000-000000000000', number: 'LD20250301000123' },
  product: { id: 'prod_example', title: 'Steam 50 CNY gift card' },
  cards: [{ code: 'XXXX-XXXX-XXXX-0001', password: 'example-password' }, { code: 'XXXX-XXXX-XXXX-0002' }],
  pickupLink: 'https://cards.example.com/pickup/example-link',
  pickupExpiresAt: '2025-03-08 10:00 UTC',
};
