import { InboundRejected } from './inbound-request';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** V8 quotes a piece of the input in some JSON errors; a body may hold contacts, so that never goes back out or into a log. */
export function withoutQuotedInput(message: string): string {
  return message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, ' (not valid JSON)');
}

/** Parses a verified body; refuses (400) an empty, non-UTF-8 or malformed one with the reason. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw new InboundRejected('rejected_body', 'the body is empty: expected a JSON object');
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new InboundRejected('rejected_body', 'the body is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InboundRejected('rejected_body', `malformed JSON: ${withoutQuotedInput((error as Error).message)}`);
  }
}
