import { Module } from '@nestjs/common';
import { PlatformModule } from '@cardlink/platform';
import { configSchema } from './config';
import { entities, migrations } from './database';
import { OrdersController } from './orders/orders.controller';
import { OrderEventHandlers } from './orders/orders.handlers';

@Module({
  imports: [PlatformModule.forRoot({ service: 'order-processing', configSchema, entities, migrations })],
  controllers: [OrderEventHandlers, OrdersController],
})
export class AppModule {}
