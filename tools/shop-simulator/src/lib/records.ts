/** Everything the simulated shop, provider and SMS gateway received or did, in order, for tests and the summary. */
export interface Card {
  code: string;
  password?: string;
}

export type SimRecord =
  | { kind: 'listing'; action: 'created' | 'updated' | 'shop-change'; listingId: string; externalId: string; changes: Record<string, unknown> }
  | {
      kind: 'stock';
      listingId: string;
      externalId: string;
      /** adjustment and set come from cardlink; sale is the shop lowering its own stock; created is the initial stock. */
      source: 'created' | 'adjustment' | 'set' | 'sale';
      /** What was asked: the delta of an adjustment, the absolute value of a set. */
      requested: number;
      /** The change actually applied (an adjustment floors at zero). */
      delta: number;
      stock: number;
      shopOrderId?: string;
    }
  | { kind: 'order'; shopOrderId: string; outcome: 'placed' | 'out_of_stock' | 'unavailable'; reason?: string }
  | { kind: 'fulfilment'; fulfilmentId: string; shopOrderId: string; lineId: string; cards: Card[] }
  | { kind: 'refund'; refundId: string; shopOrderId: string; amount: number; currency: string; reason: string }
  | { kind: 'sms'; messageId: string; to: string; text: string }
  | { kind: 'webhook'; webhookId: string; type: string; subject: string; attempt: number; status: number; acknowledged: boolean; error?: string }
  | { kind: 'callback'; tradeNo: string; shopOrderId: string; attempt: number; status: number; acknowledged: boolean; error?: string }
  | { kind: 'fault'; method: string; path: string; status: number; afterEffect: boolean };

export type RecordKind = SimRecord['kind'];
export const RECORD_KINDS: readonly RecordKind[] = ['listing', 'stock', 'order', 'fulfilment', 'refund', 'sms', 'webhook', 'callback', 'fault'];

export type Stamped<R extends SimRecord = SimRecord> = R & { seq: number; at: string };

export class RecordBook {
  private readonly entries: Stamped[] = [];

  constructor(private readonly now: () => number) {}

  add(record: SimRecord): Stamped {
    const stamped = { ...record, seq: this.entries.length + 1, at: new Date(this.now()).toISOString() } as Stamped;
    this.entries.push(stamped);
    return stamped;
  }

  list<K extends RecordKind>(kind?: K, since = 0): Stamped<Extract<SimRecord, { kind: K }>>[] {
    return this.entries.filter((entry) => entry.seq > since && (kind === undefined || entry.kind === kind)) as Stamped<Extract<SimRecord, { kind: K }>>[];
  }
}
