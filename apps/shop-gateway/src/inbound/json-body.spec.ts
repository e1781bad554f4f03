import { InboundRejected } from './inbound-request';
import { parseJsonBody } from './json-body';

function reasonOf(body: Buffer): string {
  try {
    parseJsonBody(body);
  } catch (error) {
    if (error instanceof InboundRejected) return `${error.getStatus()} ${error.reason}`;
    throw error;
  }
  throw new Error('expected the body to be refused');
}

describe('parseJsonBody', () => {
  it('parses a JSON body', () => {
    expect(parseJsonBody(Buffer.from('{"type":"order.paid","data":{"a":[1,2]}}'))).toEqual({ type: 'order.paid', data: { a: [1, 2] } });
  });

  it('refuses an empty body', () => {
    expect(reasonOf(Buffer.alloc(0))).toBe('400 the body is empty: expected a JSON object');
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(reasonOf(Buffer.from([0x7b, 0xff, 0x7d]))).toBe('400 the body is not valid UTF-8');
  });

  it('gives the parser’s reason without quoting the body, which may hold contacts', () => {
    const reason = reasonOf(Buffer.from('{"email": li.wei@example.com}'));
    expect(reason).toBe("400 malformed JSON: Unexpected token 'l' (not valid JSON)");
    expect(reasonOf(Buffer.from('{"type": "order.created", "data": {'))).toMatch(/^400 malformed JSON: .* at position 35/);
  });
});
