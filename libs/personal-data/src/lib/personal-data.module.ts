import { Inject, Logger, Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@cardlink/platform';
import { type PersonalDataConfig, personalDataVaultFrom } from './config';
import { usePersonalDataVault } from './process-vault';

/**
 * Import once in a service that keeps buyer contacts (its config schema must
 * extend personalDataEnvSchema): makes the configured vault the process's
 * before any consumer or request runs, and warns when it is unprotected.
 */
@Module({})
export class PersonalDataModule {
  constructor(@Inject(SERVICE_CONFIG) config: PersonalDataConfig) {
    const vault = personalDataVaultFrom(config);
    usePersonalDataVault(vault);
    if (!vault.isProtected) {
      new Logger('PersonalData').warn('PERSONAL_DATA_KEYS and PERSONAL_DATA_MATCH_KEY are not set: buyer contacts are stored unprotected (development only)');
    }
  }
}
