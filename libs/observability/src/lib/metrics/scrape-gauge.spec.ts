import { Registry } from 'prom-client';
import { scrapeGauge, type ScrapeSample } from './scrape-gauge';

describe('scrapeGauge', () => {
  it('reads the values when scraped, and series that vanished from the source vanish from the scrape', async () => {
    const registry = new Registry();
    let stock: ScrapeSample<'product'>[] = [
      { labels: { product: 'steam-50' }, value: 12 },
      { labels: { product: 'netflix-1m' }, value: 0 },
    ];
    let reads = 0;
    scrapeGauge(registry, {
      name: 'cardlink_cards_available',
      help: 'Cards available by product',
      labelNames: ['product'],
      read: async () => {
        reads += 1;
        return stock;
      },
    });
    expect(reads).toBe(0);

    const first = await registry.metrics();
    expect(first).toContain('cardlink_cards_available{product="steam-50"} 12');
    expect(first).toContain('cardlink_cards_available{product="netflix-1m"} 0');

    stock = [{ labels: { product: 'steam-50' }, value: 11 }];
    const second = await registry.metrics();
    expect(second).toContain('cardlink_cards_available{product="steam-50"} 11');
    expect(second).not.toContain('netflix-1m');
    expect(reads).toBe(2);
  });

  it('answers the scrape without the labelled series when the source fails', async () => {
    const registry = new Registry();
    scrapeGauge(registry, {
      name: 'cardlink_cards_available',
      help: 'Cards available by product',
      labelNames: ['product'],
      read: () => Promise.reject(new Error('connection refused')),
    });
    const text = await registry.metrics();
    expect(text).toContain('# TYPE cardlink_cards_available gauge');
    expect(text).not.toMatch(/^cardlink_cards_available/m);
  });

  it('gives up on a slow source after the timeout; an unlabelled gauge then reads NaN', async () => {
    const registry = new Registry();
    scrapeGauge(registry, {
      name: 'cardlink_backlog_events',
      help: 'Backlog',
      read: () => new Promise<ScrapeSample<string>[]>(() => undefined),
      timeoutMs: 50,
    });
    const started = Date.now();
    const text = await registry.metrics();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(text).toMatch(/^cardlink_backlog_events nan$/im);
  });
});
