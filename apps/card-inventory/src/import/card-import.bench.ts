/**
 * Import throughput and memory: 100,000 generated lines (98,900 new cards,
 * 1,000 duplicates of earlier lines, 100 malformed) streamed through the same
 * path as an upload (text stream → line reader → parse → encrypt → batched
 * INSERT) into one transaction against the local stack's Postgres.
 *
 *   npx tsx --tsconfig tsconfig.base.json apps/card-inventory/src/import/card-import.bench.ts
 *   BENCH_LINES=300000 npx tsx … (same counts of duplicates and malformed lines; shows memory does not grow with the file)
 *
 * Exits 1 unless the report's counts are exactly those. Peak RSS is the
 * process's maximum resident set (getrusage), so it includes Node itself.
 */
import { Readable } from 'node:stream';
import { withTransaction } from '@cardlink/persistence';
import { inventoryTestDatabase, testCardSecrets } from '../testing/inventory-test-database';
import { linesOf } from './card-lines';
import { CardImportService } from './card-import.service';

const TOTAL = Number(process.env['BENCH_LINES'] ?? 100_000);
const DUPLICATES = 1_000;
const MALFORMED = 100;
const UNIQUE = TOTAL - DUPLICATES - MALFORMED;

/** The upload, generated in chunks of text as a client would send it; never held whole. */
function* upload(): Generator<string> {
  let chunk = '';
  let unique = 0;
  let duplicates = 0;
  let malformed = 0;
  for (let line = 1; line <= TOTAL; line++) {
    let text: string;
    // Spread the rejects through the file: a malformed line every 1,000 lines, a duplicate every 100.
    if (line % 1000 === 500 && malformed < MALFORMED) {
      text = malformed % 2 === 0 ? ',password-without-code' : 'a,b,c,d';
      malformed += 1;
    } else if (line % 100 === 50 && duplicates < DUPLICATES && unique > 0) {
      text = cardLine(Math.floor(unique / 2));
      duplicates += 1;
    } else {
      text = cardLine(unique);
      unique += 1;
    }
    chunk += `${text}\n`;
    if (chunk.length >= 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
  if (unique !== UNIQUE || duplicates !== DUPLICATES || malformed !== MALFORMED) {
    throw new Error(`generator made ${unique}/${duplicates}/${malformed}, expected ${UNIQUE}/${DUPLICATES}/${MALFORMED}`);
  }
}

function cardLine(i: number): string {
  return `GIFT-${String(i).padStart(8, '0')}-${(i * 7919) % 100_000},pw${(i * 104_729) % 1_000_003}`;
}

async function main(): Promise<void> {
  const db = await inventoryTestDatabase({ poolSize: 2 });
  const { secrets } = testCardSecrets();
  const service = new CardImportService(secrets);
  let peakSampled = 0;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peakSampled = Math.max(peakSampled, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  }, 50);
  const rssBefore = process.memoryUsage().rss;
  try {
    const started = process.hrtime.bigint();
    const report = await withTransaction(db.dataSource, (m) => service.importCards(m, 'bench-product', linesOf(Readable.from(upload()))));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    const [{ stored }] = await db.dataSource.query(`SELECT count(*)::int AS stored FROM cards WHERE product_id = 'bench-product'`);

    console.log(`lines ${TOTAL}: accepted ${report.accepted}, duplicates ${report.duplicates}, invalid ${report.invalid} (rejects listed ${report.rejects.length}); rows stored ${stored}`);
    console.log(`time ${seconds.toFixed(2)} s = ${(TOTAL / seconds).toFixed(0)} lines/s, ${(report.accepted / seconds).toFixed(0)} cards stored/s`);
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
    console.log(
      `RSS before ${mb(rssBefore)} MB, peak sampled ${mb(peakSampled)} MB, process peak (getrusage maxRSS) ${mb(process.resourceUsage().maxRSS * 1024)} MB; peak JS heap used ${mb(peakHeap)} MB`,
    );
    const exact = report.accepted === UNIQUE && report.duplicates === DUPLICATES && report.invalid === MALFORMED && stored === UNIQUE;
    console.log(exact ? 'counts exact' : `COUNTS WRONG: expected ${UNIQUE}/${DUPLICATES}/${MALFORMED}`);
    if (!exact) process.exitCode = 1;
  } finally {
    clearInterval(sampler);
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
