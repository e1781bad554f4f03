import { InboxRecord } from './inbox/inbox-record.entity';
import { MessagingTables1764201600000 } from './migrations/1764201600000-messaging-tables';
import { OutboxRecord } from './outbox/outbox-record.entity';

/** Add these to every service's entities and migrations. */
export const MESSAGING_ENTITIES = [OutboxRecord, InboxRecord];
export const MESSAGING_MIGRATIONS = [MessagingTables1764201600000];
