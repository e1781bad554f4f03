import type { MailCatcher } from './mail-catcher';
import type { World } from './world';

/** The pickup link in a buyer's email, pointed at the world's delivery-notifications (services run on offset ports). */
export function pickupLinkIn(world: Pick<World, 'url'>, mailText: string): string {
  const sent = /https?:\/\/\S+\/pickup\/link\?token=[A-Za-z0-9_.-]+/.exec(mailText)?.[0];
  if (!sent) throw new Error('no pickup link in the email');
  const { pathname, search } = new URL(sent);
  return `${world.url('delivery-notifications')}${pathname}${search}`;
}

/** The emails the catcher received that mention a shop order. */
export function mailsAbout(mail: MailCatcher, shopOrderId: string) {
  return mail.mails.filter((m) => m.text.includes(shopOrderId));
}

export interface ReportForm {
  reportToken: string;
  cardId: string;
  /** The card's code as the page shows it. */
  shownCode: string;
}

/** The report form under the first card of a pickup page. */
export function reportFormOn(pageHtml: string): ReportForm {
  const reportToken = /name="reportToken" value="([^"]+)"/.exec(pageHtml)?.[1];
  const cardId = /name="cardId" value="([^"]+)"/.exec(pageHtml)?.[1];
  const shownCode = /<span class="secret">([^<]+)<\/span>/.exec(pageHtml)?.[1];
  if (!reportToken || !cardId || !shownCode) throw new Error('no report form under the card');
  return { reportToken, cardId, shownCode };
}

/** Posts the report form as the buyer's browser would. */
export function reportCard(world: Pick<World, 'url'>, form: ReportForm, note: string): Promise<Response> {
  const body = new URLSearchParams({ reportToken: form.reportToken, cardId: form.cardId, note, lang: 'en' });
  return fetch(`${world.url('delivery-notifications')}/pickup/report`, { method: 'POST', body });
}
