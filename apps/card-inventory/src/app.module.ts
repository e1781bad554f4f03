import { Module } from '@nestjs/common';
import { PlatformModule } from '@cardlink/platform';
import { configSchema } from './config';
import { entities, migrations } from './database';
import { AllocationModule } from './allocation/allocation.module';
import { CardImportModule } from './import/card-import.module';
import { SecretsModule } from './secrets/secrets.module';

@Module({
  imports: [PlatformModule.forRoot({ service: 'card-inventory', configSchema, entities, migrations }), SecretsModule, CardImportModule, AllocationModule],
})
export class AppModule {}
