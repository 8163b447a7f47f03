/**
 * The twin's key kept sealed by the OS keychain, for the Electron app (Electron `safeStorage`:
 * Keychain on macOS, DPAPI on Windows, the Secret Service or KWallet on Linux).
 *
 * Opt-in with CIVICTWIN_KEY_KEYCHAIN=1: the app then rewrites a plain key file (`<db>.key` or
 * CIVICTWIN_KEY_FILE) as the key sealed by the keychain (crypto.ts SEALED_KEY_HEADER), so a copy
 * of the data folder, or another user on the machine, has the file but not the key. The cost: only
 * this app, run by the user who sealed it, can open the twin's personal data from then on; the
 * CLI says so and stops where it needs the key (`serve`, `key rotate`). Linux's `basic_text` backend is a
 * fixed password, not a keychain: the key is not sealed with it.
 *
 * Kept apart from data/store (which must not import Electron): this module unseals the key and
 * hands it to the store's open (`OpenOptions.key`), which checks it against the twin like any other.
 */
import { safeStorage } from 'electron';
import { existsSync } from 'node:fs';
import { FieldCipher, TwinKeyError, keyLocation, parseKey, readKeyFile, writeKeyFile } from '../../../data/store/crypto.ts';

/** True when safeStorage seals with a real keychain now (after `app.whenReady()`). */
async function keychainAvailable(): Promise<boolean> {
  if (!(await safeStorage.isAsyncEncryptionAvailable())) return false;
  return process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text';
}

/**
 * The key of `dbPath` when it is sealed (unsealed here), or when CIVICTWIN_KEY_KEYCHAIN=1 asks to
 * seal a plain one (sealed now, then returned). Undefined otherwise: the store loads the key
 * itself. Throws TwinKeyError with the reason when a sealed key cannot be unsealed.
 */
export async function keyFromKeychain(dbPath: string, log: (line: string) => void): Promise<FieldCipher | undefined> {
  const location = keyLocation(dbPath);
  if (location.file === null || !existsSync(location.file)) return undefined;
  const file = location.file;
  const content = readKeyFile(file);
  if (content.kind === 'sealed') {
    if (!(await keychainAvailable())) {
      throw new TwinKeyError(`The key file ${file} is sealed by the OS keychain, which is not available now (on Linux: no Secret Service or KWallet in this session). Start the app in the desktop session of the user who sealed it.`);
    }
    let unsealed: { result: string; shouldReEncrypt: boolean };
    try {
      unsealed = await safeStorage.decryptStringAsync(content.sealed);
    } catch {
      throw new TwinKeyError(`The key file ${file} is sealed by another user's or another computer's keychain: it cannot be unsealed here. Use the twin's key from its backup (<backup>.key).`);
    }
    const key = parseKey(unsealed.result.trim(), `${file} (unsealed)`);
    if (unsealed.shouldReEncrypt) {
      writeKeyFile(file, { kind: 'sealed', sealed: await safeStorage.encryptStringAsync(key.toString('base64')) });
      log(`Re-sealed ${file}: the OS keychain's key for it has changed.`);
    }
    return new FieldCipher(key);
  }
  if (process.env.CIVICTWIN_KEY_KEYCHAIN !== '1') return undefined;
  if (!(await keychainAvailable())) {
    log(`CIVICTWIN_KEY_KEYCHAIN=1, but no OS keychain is available: ${file} stays a plain key file (mode 0600).`);
    return undefined;
  }
  writeKeyFile(file, { kind: 'sealed', sealed: await safeStorage.encryptStringAsync(content.key.toString('base64')) });
  log(`Sealed ${file} with the OS keychain: from now on only this app, run by this user, can open the twin's personal data.`);
  return new FieldCipher(content.key);
}
