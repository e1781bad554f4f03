import { Global, Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@cardlink/platform';
import type { InventoryConfig } from '../config';
import { CardSecrets } from './card-secrets';

@Global()
@Module({
  providers: [
    {
      provide: CardSecrets,
      inject: [SERVICE_CONFIG],
      useFactory: (config: InventoryConfig) =>
        new CardSecrets({
          keyring: config.CARD_ENCRYPTION_KEYS,
          fingerprintKey: config.CARD_FINGERPRINT_KEY,
          deliveryRecipient: config.CARD_DELIVERY_PUBLIC_KEY,
        }),
    },
  ],
  exports: [CardSecrets],
})
export class SecretsModule {}
