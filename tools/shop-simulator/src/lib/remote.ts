import type { Listing } from './shop';
import type { PlaceOrderInput } from './schemas';
import type { PlaceOrderResult } from './simulator';
import type { RunSummary } from './summary';

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init?.headers } });
  const body = (await response.json()) as T & { error?: string; message?: string };
  if (!response.ok && response.status !== 409) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${body.error ?? ''} ${body.message ?? ''}`.trim());
  return body;
}

/** A simulator running in another process (`cli.ts serve`), driven through its /_sim API. */
export class RemoteSimulator {
  constructor(readonly url: string) {}

  placeOrder(input: PlaceOrderInput): Promise<PlaceOrderResult> {
    return call(`${this.url}/_sim/orders`, { method: 'POST', body: JSON.stringify(input) });
  }

  async listings(): Promise<Listing[]> {
    return (await call<{ items: Listing[] }>(`${this.url}/_sim/listings`)).items;
  }

  createListing(listing: Omit<Listing, 'listingId' | 'updatedAt'>): Promise<Listing> {
    return call(`${this.url}/_sim/listings`, { method: 'POST', body: JSON.stringify(listing) });
  }

  summary(): Promise<RunSummary> {
    return call(`${this.url}/_sim/summary`);
  }
}
