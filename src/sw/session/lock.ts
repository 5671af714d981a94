import type { PasswordVerifier } from './session-db.ts';

/**
 * Offline unlock: after a successful sign-in the SW keeps a salted PBKDF2-SHA-256 hash of the
 * password (never the password), so the lock screen can be opened with no network. Online, the
 * server checks the password instead (and the hash is refreshed).
 */

/**
 * The wait before the next offline attempt after `failures` failed ones: none after one or two
 * (typos), then 5 s, doubling up to 320 s after the ninth. Kept in the session database, so a
 * restarted service worker keeps counting; OFFLINE_UNLOCK_MAX failures leave only the server.
 */
export function unlockDelayMs(failures: number): number {
  return failures < 3 ? 0 : 5_000 * 2 ** (failures - 3);
}

/** OWASP's 2023 floor for PBKDF2-SHA-256 is 600,000; a clinic tablet's SW takes ~0.3 s at this count. */
export const PBKDF2_ITERATIONS = 600_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false /* extractable */, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, HASH_BITS);
  return new Uint8Array(bits);
}

/** A fresh verifier for `password` (new random salt). */
export async function createVerifier(password: string, iterations = PBKDF2_ITERATIONS): Promise<PasswordVerifier> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  return { salt, hash: await derive(password, salt, iterations), iterations };
}

/** True when `password` matches `verifier` (constant-time comparison of the hashes). */
export async function checkVerifier(password: string, verifier: PasswordVerifier): Promise<boolean> {
  const expected = verifier.hash;
  const actual = await derive(password, verifier.salt, verifier.iterations);
  if (actual.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < actual.length; i += 1) diff |= (actual[i] ?? 0) ^ (expected[i] ?? 0);
  return diff === 0;
}
