import { Module } from '@nestjs/common';
import { PlatformModule } from '@cardlink/platform';
import { CatalogModule } from './catalog.module';
import { configSchema } from './config';
import { entities, migrations } from './database';

@Module({
  imports: [PlatformModule.forRoot({ service: 'catalog-sync', configSchema, entities, migrations }), CatalogModule],
})
export class AppModule {}
