import { Module } from '@nestjs/common';
import { PersonalDataModule } from '@cardlink/personal-data';
import { ListProtection } from './list-protection';
import { RiskPrivacyConsumer } from './privacy.consumer';

/** List entries kept as match keys, and the record of buyer erasures. */
@Module({
  imports: [PersonalDataModule],
  controllers: [RiskPrivacyConsumer],
  providers: [ListProtection],
})
export class PrivacyModule {}
