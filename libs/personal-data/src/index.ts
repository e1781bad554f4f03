export { CONTACT_KINDS, normaliseContact, type ContactKind } from './lib/contact';
export { PersonalDataVault, PersonalDataError, isSealed, MATCH_KEY_MIN_BYTES } from './lib/personal-data-vault';
export { personalDataEnvSchema, personalDataKeysTogether, personalDataVaultFrom, type PersonalDataConfig } from './lib/config';
export { personalData, usePersonalDataVault } from './lib/process-vault';
export { contactForms, findContactTraces, type ContactTrace, type SqlRunner } from './lib/contact-scan';
export { ErasureRecord, PrivacyErasures1765600000001 } from './lib/erasure-audit';
export { PersonalDataModule } from './lib/personal-data.module';
export { RetentionTask } from './lib/retention-task';
