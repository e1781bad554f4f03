import { Module } from '@nestjs/common';
import { PersonalDataModule } from '@cardlink/personal-data';
import { BuyerErasure } from './buyer-erasure';
import { ContactRetention } from './contact-retention';
import { PrivacyController } from './privacy.controller';

/** Buyer contacts sealed at rest, erasure on request, and erasure after the retention period. */
@Module({
  imports: [PersonalDataModule],
  controllers: [PrivacyController],
  providers: [BuyerErasure, ContactRetention],
})
export class PrivacyModule {}
