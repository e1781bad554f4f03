// Loaded first by main.ts: tracing must patch http, express and pg before they are imported.
import { startTracing } from '@cardlink/observability';

startTracing({ serviceName: 'catalog-sync' });
