import { Module } from '@nestjs/common';
import { PlatformModule } from '@cardlink/platform';
import { configSchema } from './config';
import { entities, migrations } from './database';

@Module({
  imports: [PlatformModule.forRoot({ service: 'card-inventory', configSchema, entities, migrations })],
})
export class AppModule {}
