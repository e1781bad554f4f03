import type { Provider } from '@nestjs/common';
import { SERVICE_CONFIG } from '@cardlink/platform';
import { ShopClient, shopClientOptionsFromEnv } from '@cardlink/shop-client';
import type { CatalogConfig } from '../config';

/** One ShopClient per process: it shares one OAuth2 token between all calls. */
export const shopClientProvider: Provider = {
  provide: ShopClient,
  inject: [SERVICE_CONFIG],
  useFactory: (config: CatalogConfig) => new ShopClient(shopClientOptionsFromEnv(config)),
};
