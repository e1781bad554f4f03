import { ErasureRecord, PrivacyErasures1765600000001 } from '@cardlink/personal-data';
import { RiskTables1764600000000 } from './migrations/1764600000000-risk-tables';
import { ListEntryProtection1765600000003 } from './privacy/1765600000003-list-entry-protection';
import { RISK_ENTITIES } from './risk.entities';

/**
 * The tables risk-control owns in its schema: entities and the migrations that create
 * them, listed explicitly (the app is bundled, so no globs). The outbox and
 * inbox tables are added by the platform.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const entities: Function[] = [...RISK_ENTITIES, ErasureRecord];
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const migrations: Function[] = [RiskTables1764600000000, PrivacyErasures1765600000001, ListEntryProtection1765600000003];
