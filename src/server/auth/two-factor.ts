import { hash, randomInt } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { KEYS } from '../store/keys.ts';

/**
 * Two-factor sign-in: TOTP (RFC 6238: SHA-1, 6 digits, 30 s steps, the codes of authenticator apps,
 * by otplib) and single-use recovery codes. Per account, in Redis:
 *
 *   {u:<id>}:2fa:pending   the secret setup offered, until confirmed by a code (PENDING_SECONDS)
 *   {u:<id>}:2fa           secret (once confirmed) · step (the last time step accepted)
 *   {u:<id>}:2fa:recovery  set of SHA-256 of the unused recovery codes
 *
 *   setup ──▶ pending ──enable(code)──▶ on (secret, 10 recovery codes shown once) ──disable──▶ off
 *
 * A code is accepted once: its time step must be later than the last one accepted (claimed
 * atomically, so two sign-ins racing with one code do not both pass). The secret is never logged
 * nor audited; it is stored as is (a TOTP secret must be read back to check a code).
 */

export const TOTP_ISSUER = 'Relais';
/** How long a secret offered by setup waits for its first code. */
export const PENDING_SECONDS = 10 * 60;
export const RECOVERY_CODE_COUNT = 10;
/** A code of the previous or next 30 s step is accepted too (clocks drift; typing takes time). */
const EPOCH_TOLERANCE_SECONDS = 30;
/** Letters and digits that cannot be misread when printed (no 0/O, 1/I/L). */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const TOTP_CODE = /^\d{6}$/;

/** KEYS: the 2fa hash. ARGV: a time step. 1 when the step is later than the last accepted (now recorded), else 0. */
const CLAIM_STEP = `
if redis.call('HEXISTS', KEYS[1], 'secret') == 0 then return 0 end
local last = tonumber(redis.call('HGET', KEYS[1], 'step') or '-1')
if tonumber(ARGV[1]) <= last then return 0 end
redis.call('HSET', KEYS[1], 'step', ARGV[1])
return 1`;

/** What setup hands the person: the secret (for typing it in), its otpauth URL, and that URL as a QR code (SVG). */
export interface TwoFactorSetup {
  secret: string;
  otpauthUrl: string;
  qrSvg: string;
}

/** True when the account signs in with a second factor. */
export async function twoFactorEnabled(redis: Redis, userId: string): Promise<boolean> {
  return (await redis.hexists(KEYS.userTwoFactor(userId), 'secret')) === 1;
}

/** Offers a new secret (replacing an earlier offer), kept PENDING_SECONDS until `enable` confirms it. */
export async function beginSetup(redis: Redis, userId: string, label: string): Promise<TwoFactorSetup> {
  const secret = generateSecret();
  await redis.set(KEYS.userTwoFactorPending(userId), secret, 'EX', PENDING_SECONDS);
  const otpauthUrl = generateURI({ issuer: TOTP_ISSUER, label, secret });
  const qrSvg = await QRCode.toString(otpauthUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret, otpauthUrl, qrSvg };
}

/** The time step of `code` when it is a current code of `secret`, else null. */
async function matchingStep(secret: string, code: string): Promise<number | null> {
  if (!TOTP_CODE.test(code)) return null;
  const result = await verify({ secret, token: code, epochTolerance: EPOCH_TOLERANCE_SECONDS });
  // The TOTP strategy's result names the step matched (the union type also covers HOTP's).
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/**
 * Confirms the pending secret with a code from the app: two-factor sign-in is on, and the answer is
 * the recovery codes, in clear this once (only their hashes are kept). Null when nothing is pending
 * or the code is wrong.
 */
export async function enableTwoFactor(redis: Redis, userId: string, code: string): Promise<string[] | null> {
  const secret = await redis.get(KEYS.userTwoFactorPending(userId));
  if (secret === null) return null;
  const step = await matchingStep(secret, normalizeTotp(code));
  if (step === null) return null;
  // The pending offer is spent by the one request that confirms it.
  if ((await redis.del(KEYS.userTwoFactorPending(userId))) !== 1) return null;
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await redis
    .multi()
    .del(KEYS.userTwoFactor(userId), KEYS.userRecoveryCodes(userId))
    .hset(KEYS.userTwoFactor(userId), { secret, step: String(step) })
    .sadd(KEYS.userRecoveryCodes(userId), ...codes.map(recoveryDigest))
    .exec();
  return codes;
}

/** Turns two-factor sign-in off (disable, or an admin's password reset): secret, step, recovery codes, pending offer. */
export async function clearTwoFactor(redis: Redis, userId: string): Promise<boolean> {
  const removed = await redis.del(KEYS.userTwoFactor(userId), KEYS.userRecoveryCodes(userId), KEYS.userTwoFactorPending(userId));
  return removed > 0;
}

/** How a second factor was given, or why it was refused. */
export type SecondFactor = 'totp' | 'recovery_code' | 'invalid';

/**
 * Checks a code typed at sign-in: a TOTP code (6 digits; spaces ignored) not used before, or one of
 * the unused recovery codes (spent by this check). `invalid` otherwise.
 */
export async function checkSecondFactor(redis: Redis, userId: string, typed: string): Promise<SecondFactor> {
  const code = normalizeTotp(typed);
  if (TOTP_CODE.test(code)) {
    const secret = await redis.hget(KEYS.userTwoFactor(userId), 'secret');
    const step = secret === null ? null : await matchingStep(secret, code);
    if (step === null) return 'invalid';
    const claimed = await redis.eval(CLAIM_STEP, 1, KEYS.userTwoFactor(userId), String(step));
    return claimed === 1 ? 'totp' : 'invalid';
  }
  const removed = await redis.srem(KEYS.userRecoveryCodes(userId), recoveryDigest(typed));
  return removed === 1 ? 'recovery_code' : 'invalid';
}

/** How many recovery codes remain unused. */
export function recoveryCodesLeft(redis: Redis, userId: string): Promise<number> {
  return redis.scard(KEYS.userRecoveryCodes(userId));
}

function normalizeTotp(code: string): string {
  return code.replace(/\s/g, '');
}

/** `XXXXX-XXXXX`: 10 characters of a 31-letter alphabet (~50 bits), easy to read off paper. */
function newRecoveryCode(): string {
  const raw = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `${raw.slice(0, 5)}-${raw.slice(5)}`;
}

/** SHA-256 of a recovery code, dashes, spaces and case ignored. */
export function recoveryDigest(code: string): string {
  return hash('sha256', code.replace(/[\s-]/g, '').toUpperCase(), 'hex');
}

