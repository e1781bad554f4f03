/** One line of the payment provider's daily settlement file. */
export interface ProviderEntry {
  tradeNo: string;
  shopOrderId: string;
  type: 'payment' | 'refund';
  channel: string;
  /** Minor units; refunds are negative in the file and kept negative here. */
  amount: number;
  fee: number;
  currency: string;
  occurredAt: string;
  refundId: string | null;
}

const HEADER = ['trade_no', 'shop_order_id', 'type', 'channel', 'amount', 'fee', 'net', 'currency', 'occurred_at', 'refund_id'];

/** Splits one CSV line (RFC 4180 quoting: "a ""b"", c" is one field). */
function fields(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      out.push(field);
      field = '';
    } else field += char;
  }
  out.push(field);
  return out;
}

function minorUnits(text: string, what: string, lineNo: number): number {
  if (!/^-?\d+$/.test(text)) throw new SettlementFileError(`line ${lineNo}: ${what} ${JSON.stringify(text)} is not an integer amount of minor units`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new SettlementFileError(`line ${lineNo}: ${what} ${text} is out of range`);
  return value;
}

export class SettlementFileError extends Error {
  override name = 'SettlementFileError';
}

/**
 * Reads the provider's settlement CSV. A file that does not look like one
 * fails as a whole, naming the line: a half-read file would show as findings
 * that are not there.
 */
export function parseSettlementFile(csv: string): ProviderEntry[] {
  const lines = csv.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = lines[0] === undefined ? [] : fields(lines[0]);
  if (header.join(',') !== HEADER.join(',')) throw new SettlementFileError(`unexpected header ${JSON.stringify(lines[0] ?? '')}; expected ${HEADER.join(',')}`);
  return lines.slice(1).map((line, index) => {
    const lineNo = index + 2;
    const [tradeNo = '', shopOrderId = '', type = '', channel = '', amount = '', fee = '', net = '', currency = '', occurredAt = '', refundId = ''] = fields(line);
    if (type !== 'payment' && type !== 'refund') throw new SettlementFileError(`line ${lineNo}: type ${JSON.stringify(type)} is neither payment nor refund`);
    if (!tradeNo || !shopOrderId) throw new SettlementFileError(`line ${lineNo}: trade_no and shop_order_id are required`);
    if (Number.isNaN(Date.parse(occurredAt))) throw new SettlementFileError(`line ${lineNo}: occurred_at ${JSON.stringify(occurredAt)} is not a time`);
    const entry: ProviderEntry = {
      tradeNo,
      shopOrderId,
      type,
      channel,
      amount: minorUnits(amount, 'amount', lineNo),
      fee: minorUnits(fee, 'fee', lineNo),
      currency,
      occurredAt: new Date(occurredAt).toISOString(),
      refundId: refundId === '' ? null : refundId,
    };
    if (entry.amount - entry.fee !== minorUnits(net, 'net', lineNo)) throw new SettlementFileError(`line ${lineNo}: net ${net} is not amount ${amount} minus fee ${fee}`);
    if (type === 'refund' && entry.refundId === null) throw new SettlementFileError(`line ${lineNo}: a refund without refund_id`);
    return entry;
  });
}
