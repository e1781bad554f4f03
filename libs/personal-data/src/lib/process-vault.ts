import { PersonalDataVault } from './personal-data-vault';

let current: PersonalDataVault = PersonalDataVault.unprotected();

/**
 * The vault of this process, set once at start-up by the service's privacy
 * module. Entity transformers and stores that are created with `new` in many
 * places read it here instead of having it threaded through every constructor.
 */
export function personalData(): PersonalDataVault {
  return current;
}

export function usePersonalDataVault(vault: PersonalDataVault): void {
  current = vault;
}
