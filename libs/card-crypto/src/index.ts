export { parseKeyring, decodeBase64Strict, KeyringError, KEY_BYTES, type Keyring } from './lib/keyring';
export { CardVault, CardDecryptionError, type EncryptedSecret } from './lib/card-vault';
export { fingerprint, normaliseSecret } from './lib/fingerprint';
export {
  sealForDelivery,
  openSealed,
  generateDeliveryKeyPair,
  deliveryRecipient,
  parsePublicKey,
  parsePrivateKey,
  keyIdOf,
  SealedSecretError,
  type DeliveryRecipient,
  type DeliveryKeyPair,
} from './lib/sealing';
