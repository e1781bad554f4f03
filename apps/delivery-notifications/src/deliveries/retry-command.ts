import { createServiceDataSource, withTransaction } from '@cardlink/persistence';
import { loadConfig } from '@cardlink/platform';
import { DeliveryChannel } from '@cardlink/contracts';
import { configSchema } from '../config';
import { entities, migrations } from '../database';
import { retryDelivery, retryFailedDeliveries } from './delivery-admin';

export const RETRY_COMMAND = 'retry-deliveries';

const USAGE = `usage: node main.js ${RETRY_COMMAND} <delivery-id>...
       node main.js ${RETRY_COMMAND} --all-failed [--channel shop|email|sms|webhook]
Puts failed deliveries back in the queue; a running replica sends them.`;

/**
 * The command-line twin of POST /deliveries/:id/retry, for operators with
 * database access but no API credential (e.g. `kubectl exec`). Returns the exit code.
 */
export async function runRetryCommand(args: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const allFailed = args.includes('--all-failed');
  const channelAt = args.indexOf('--channel');
  const channel = channelAt >= 0 ? DeliveryChannel.safeParse(args[channelAt + 1]) : undefined;
  const ids = args.filter((a, i) => !a.startsWith('--') && (channelAt < 0 || i !== channelAt + 1));
  if ((allFailed && ids.length > 0) || (!allFailed && ids.length === 0) || (channel && !channel.success)) {
    out(USAGE);
    return 64;
  }
  const config = loadConfig('delivery-notifications', configSchema);
  const dataSource = createServiceDataSource({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, entities, migrations, poolSize: 1 });
  await dataSource.initialize();
  try {
    if (allFailed) {
      const retried = await withTransaction(dataSource, (m) => retryFailedDeliveries(m, channel?.data));
      out(`${retried.length} failed deliver${retried.length === 1 ? 'y' : 'ies'} queued again${retried.length ? `: ${retried.join(', ')}` : ''}`);
      return 0;
    }
    let code = 0;
    for (const id of ids) {
      const outcome = await withTransaction(dataSource, (m) => retryDelivery(m, id));
      out(`${id}: ${outcome === 'scheduled' ? 'queued again' : outcome === 'not_found' ? 'no such delivery' : 'has not failed; left alone'}`);
      if (outcome !== 'scheduled') code = 1;
    }
    return code;
  } finally {
    await dataSource.destroy();
  }
}
