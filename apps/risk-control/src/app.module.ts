import { Module } from '@nestjs/common';
import { PlatformModule } from '@cardlink/platform';
import { configSchema } from './config';
import { entities, migrations } from './database';
import { PrivacyModule } from './privacy/privacy.module';
import { RiskModule } from './risk.module';

@Module({
  imports: [PlatformModule.forRoot({ service: 'risk-control', configSchema, entities, migrations }), RiskModule, PrivacyModule],
})
export class AppModule {}
