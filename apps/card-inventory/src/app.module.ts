import { Module } from '@nestjs/common';
import { PlatformModule } from '@cardlink/platform';
import { AdminModule } from './admin/admin.module';
import { AfterSaleModule } from './after-sale/after-sale.module';
import { AllocationModule } from './allocation/allocation.module';
import { configSchema } from './config';
import { entities, migrations } from './database';
import { CardImportModule } from './import/card-import.module';
import { SecretsModule } from './secrets/secrets.module';
import { StockModule } from './stock/stock.module';

@Module({
  imports: [
    PlatformModule.forRoot({ service: 'card-inventory', configSchema, entities, migrations }),
    SecretsModule,
    CardImportModule,
    AllocationModule,
    StockModule,
    AdminModule,
    AfterSaleModule,
  ],
})
export class AppModule {}
