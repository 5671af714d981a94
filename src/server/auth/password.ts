import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt's cost: N (CPU and memory, a power of two), r (block size), p (parallelism). */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP's password storage cheat sheet: scrypt with N=2^17, r=8, p=1. Each hash takes
 * 128 × N × r = 128 MiB for ~0.3 s of one core; libuv's pool (4 threads) bounds how many run at once.
 */
export const PASSWORD_PARAMS: Readonly<ScryptParams> = { N: 2 ** 17, r: 8, p: 1 };

const KEY_LENGTH = 32;
/** Beyond these a stored hash is refused as malformed rather than allowed to take gigabytes (here 512 MiB). */
const MAX_N = 2 ** 18;
const MAX_R = 16;
const MAX_P = 4;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // Node refuses above 32 MiB by default: allow what these parameters need, and a little more.
  const maxmem = 128 * params.N * params.r + 128 * params.r * params.p + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...params, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * Hashes a password with scrypt and a random salt. The stored form carries its parameters,
 * `scrypt$N$r$p$salt$hash` (base64url), so a hash made before they were raised still verifies.
 */
export async function hashPassword(password: string, params: ScryptParams = PASSWORD_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface StoredHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parseStored(stored: string): StoredHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const powerOfTwo = Number.isInteger(N) && N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > MAX_N || !Number.isInteger(r) || r < 1 || r > MAX_R || !Number.isInteger(p) || p < 1 || p > MAX_P) return null;
  const key = Buffer.from(parts[5] as string, 'base64url');
  if (key.length === 0) return null;
  return { params: { N, r, p }, salt: Buffer.from(parts[4] as string, 'base64url'), key };
}

/** Checks a password against a stored hash in constant time; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseStored(stored);
  if (parsed === null) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** True when a stored hash is weaker than `params` on any of N, r, p: it is rehashed at the next sign-in. */
export function needsRehash(stored: string, params: ScryptParams = PASSWORD_PARAMS): boolean {
  const parsed = parseStored(stored);
  return parsed === null || parsed.params.N < params.N || parsed.params.r < params.r || parsed.params.p < params.p;
}

const dummyHashes = new Map<string, Promise<string>>();

/**
 * A hash of a random password at `params`, verified against when the username is unknown, so the
 * answer takes as long as for an account hashed at those parameters: timing does not tell which
 * usernames exist.
 */
export function dummyHash(params: ScryptParams = PASSWORD_PARAMS): Promise<string> {
  const id = `${params.N}$${params.r}$${params.p}`;
  let hash = dummyHashes.get(id);
  if (hash === undefined) dummyHashes.set(id, (hash = hashPassword(randomBytes(16).toString('hex'), params)));
  return hash;
}
