import { Module } from '@nestjs/common';
import { PlatformModule } from '@cardlink/platform';
import { configSchema } from './config';
import { entities, migrations } from './database';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { ProductChangedConsumer, ProductSettingsController } from './products/product-settings';
import { PickupModule } from './pickup/pickup.module';
import { PrivacyModule } from './privacy/privacy.module';
import { TemplatesController } from './templates/templates.controller';

@Module({
  imports: [PlatformModule.forRoot({ service: 'delivery-notifications', configSchema, entities, migrations }), DeliveriesModule, PickupModule, PrivacyModule],
  controllers: [ProductSettingsController, ProductChangedConsumer, TemplatesController],
})
export class AppModule {}
