/**
 * The tables delivery-notifications owns in its schema: entities and the migrations that create
 * them, listed explicitly (the app is bundled, so no globs). The outbox and
 * inbox tables are added by the platform.
 */
import { ErasureRecord, PrivacyErasures1765600000001 } from '@cardlink/personal-data';
import { AllocatedCard } from './deliveries/allocated-card.entity';
import { DeliveryAttempt } from './deliveries/delivery-attempt.entity';
import { Delivery } from './deliveries/delivery.entity';
import { DeliveryTables1764400000000 } from './deliveries/1764400000000-delivery-tables';
import { DeliveryCorrelation1764400100000 } from './deliveries/1764400100000-delivery-correlation';
import { DeliveryAllocationsAndCancellation1764400200000 } from './deliveries/1764400200000-delivery-allocations-and-cancellation';
import { DeliveryTraceContext1765100000001 } from './deliveries/1765100000001-delivery-trace-context';
import { BuyerOrder } from './orders/buyer-order.entity';
import { CardReports1765500000002 } from './pickup/1765500000002-card-reports';
import { CardReport } from './pickup/card-report.entity';
import { PickupAudit } from './pickup/pickup-audit.entity';
import { PickupCode } from './pickup/pickup-code.entity';
import { ProductSetting } from './products/product-setting.entity';
import { MessageTemplate } from './templates/message-template.entity';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const entities: Function[] = [BuyerOrder, AllocatedCard, Delivery, DeliveryAttempt, ProductSetting, MessageTemplate, PickupAudit, PickupCode, CardReport, ErasureRecord];
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const migrations: Function[] = [
  DeliveryTables1764400000000,
  DeliveryCorrelation1764400100000,
  DeliveryAllocationsAndCancellation1764400200000,
  DeliveryTraceContext1765100000001,
  CardReports1765500000002,
  PrivacyErasures1765600000001,
];
