import { Module } from '@nestjs/common';
import { PlatformModule, SERVICE_CONFIG } from '@cardlink/platform';
import { ShopClient, shopClientOptionsFromEnv } from '@cardlink/shop-client';
import { AfterSaleController } from './aftersale/after-sale.controller';
import { AfterSaleEventHandlers } from './aftersale/after-sale.handlers';
import { AfterSaleService } from './aftersale/after-sale.service';
import { configSchema, type OrderProcessingConfig } from './config';
import { entities, migrations } from './database';
import { BackorderSweep } from './orders/backorder-sweep';
import { OrderLifecycle } from './orders/order-lifecycle';
import { OrderMetrics } from './orders/order-metrics';
import { OrdersController } from './orders/orders.controller';
import { OrderEventHandlers } from './orders/orders.handlers';
import { PrivacyModule } from './privacy/privacy.module';
import { ReconciliationMetrics } from './reconciliation/reconciliation-metrics';
import { ReconciliationRunner } from './reconciliation/reconciliation-runner';
import { ReconciliationController } from './reconciliation/reconciliation.controller';
import { RefundSender } from './refunds/refund-sender';
import { SettlementService } from './settlement/settlement-service';
import { SettlementController } from './settlement/settlement.controller';

@Module({
  imports: [PlatformModule.forRoot({ service: 'order-processing', configSchema, entities, migrations }), PrivacyModule],
  controllers: [OrderEventHandlers, OrdersController, ReconciliationController, SettlementController, AfterSaleEventHandlers, AfterSaleController],
  providers: [
    OrderMetrics,
    OrderLifecycle,
    BackorderSweep,
    RefundSender,
    ReconciliationRunner,
    ReconciliationMetrics,
    SettlementService,
    AfterSaleService,
    { provide: ShopClient, useFactory: (config: OrderProcessingConfig) => new ShopClient(shopClientOptionsFromEnv(config)), inject: [SERVICE_CONFIG] },
  ],
})
export class AppModule {}
