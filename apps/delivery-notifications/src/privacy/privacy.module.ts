import { Module } from '@nestjs/common';
import { PersonalDataModule } from '@cardlink/personal-data';
import { DeliveryContactRetention } from './contact-retention';
import { PrivacyConsumer } from './privacy.consumer';

/** Addresses sealed at rest, erased on a buyer's request (BuyerErasureRequested) and after the retention period. */
@Module({
  imports: [PersonalDataModule],
  controllers: [PrivacyConsumer],
  providers: [DeliveryContactRetention],
})
export class PrivacyModule {}
