import { crossSlotPipeline, type RedisClient as Redis } from '../redis/redis-connection.ts';
import { newId } from '../../shared/ids.ts';
import type { Role, User, UserSummary } from '../../shared/model.ts';
import { hashPassword, PASSWORD_PARAMS, type ScryptParams } from '../auth/password.ts';
import { execOrThrow } from './feed.ts';
import { KEYS } from './keys.ts';

/** What is needed to create an account: its password, or the hash of one (the demo seed hashes once for all). */
export type NewUser = { username: string; displayName: string; role: Role } & Profile & ({ password: string } | { passwordHash: string });

/** The profile fields an admin sets: service (or department) and job title; absent when unset. */
export interface Profile {
  service?: string;
  jobTitle?: string;
}

/** The names of the profile fields, as kept on the user's hash and directory entry. */
export const PROFILE_FIELDS = ['service', 'jobTitle'] as const;

export type CreateUserOutcome = { ok: true; user: User } | { ok: false; code: 'username_taken' };

/**
 * One row of `relais:directory` (JSON): the user's summary and username. A deleted account's row is a
 * tombstone holding no personal data — `{id, displayName: '', role, deleted: true}` — so past
 * conversations still name a participant, which the app shows as "Compte supprimé".
 */
interface DirectoryEntry extends UserSummary {
  username: string;
}

/** The profile fields that are set (non-empty), to spread into a user or summary. */
function profileOf(source: Profile): Profile {
  const profile: Profile = {};
  for (const field of PROFILE_FIELDS) if (source[field]) profile[field] = source[field];
  return profile;
}

/** What others see of a directory entry. */
function summaryOf(entry: DirectoryEntry): UserSummary {
  if (entry.deleted) return { id: entry.id, displayName: '', role: entry.role, deleted: true };
  return { id: entry.id, displayName: entry.displayName, role: entry.role, ...profileOf(entry) };
}

/** Lowercase, accents removed: how names are compared in searches and usernames are made unique. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Creates an account, its password hashed at `params`; the username is unique case-insensitively. */
export async function createUser(redis: Redis, input: NewUser, params: ScryptParams = PASSWORD_PARAMS): Promise<CreateUserOutcome> {
  const id = newId();
  const claimed = await redis.hsetnx(KEYS.usernames, input.username.toLowerCase(), id);
  if (claimed === 0) return { ok: false, code: 'username_taken' };
  const passwordHash = 'passwordHash' in input ? input.passwordHash : await hashPassword(input.password, params);
  const user: User = { id, username: input.username, displayName: input.displayName, role: input.role, ...profileOf(input) };
  const entry: DirectoryEntry = { ...user };
  // Two slots (the user's hash and the directory): a MULTI would be refused by a cluster.
  await crossSlotPipeline(redis)
    .hset(KEYS.user(id), { ...user, passwordHash, createdAt: String(Date.now()) })
    .hset(KEYS.directory, id, JSON.stringify(entry))
    .exec();
  return { ok: true, user };
}

function toUser(fields: Record<string, string>): User | null {
  const { id, username, displayName, role } = fields;
  if (!id || !username || !displayName || !role) return null;
  return { id, username, displayName, role: role as Role, ...profileOf(fields) };
}

/** The account and its password hash, looked up by username (case-insensitive). */
export async function findCredentials(
  redis: Redis,
  username: string,
): Promise<{ user: User; passwordHash: string; disabled: boolean } | null> {
  const id = await redis.hget(KEYS.usernames, username.toLowerCase());
  if (id === null) return null;
  const fields = await redis.hgetall(KEYS.user(id));
  const user = toUser(fields);
  if (user === null || !fields.passwordHash) return null;
  return { user, passwordHash: fields.passwordHash, disabled: fields.disabled === '1' };
}

/** True when an admin disabled the account: it signs in nowhere until enabled again. */
export async function isDisabled(redis: Redis, userId: string): Promise<boolean> {
  return (await redis.hget(KEYS.user(userId), 'disabled')) === '1';
}

/** Disables or enables an existing account; false when there is no such account. */
export async function setDisabled(redis: Redis, userId: string, disabled: boolean): Promise<boolean> {
  if ((await redis.exists(KEYS.user(userId))) === 0) return false;
  if (disabled) await redis.hset(KEYS.user(userId), 'disabled', '1');
  else await redis.hdel(KEYS.user(userId), 'disabled');
  return true;
}

/** The directory's entries, deleted accounts (tombstones) left out. */
async function liveEntries(redis: Redis): Promise<DirectoryEntry[]> {
  return Object.values(await redis.hgetall(KEYS.directory))
    .map((row) => JSON.parse(row) as DirectoryEntry)
    .filter((entry) => entry.deleted !== true);
}

/** Every account, for the admins: summary, username, whether it is disabled and a patient's INS, sorted by name. */
export async function listAccounts(redis: Redis): Promise<(UserSummary & { username: string; disabled: boolean; ins?: string })[]> {
  const entries = await liveEntries(redis);
  const read = crossSlotPipeline(redis);
  for (const entry of entries) read.hmget(KEYS.user(entry.id), 'disabled', 'ins');
  const fields = (await execOrThrow(read.exec())) as [string | null, string | null][];
  return entries
    .map((e, i) => {
      const [disabled, ins] = fields[i] ?? [null, null];
      return { ...summaryOf(e), username: e.username, disabled: disabled === '1', ...(ins ? { ins } : {}) };
    })
    .sort((a, b) => a.displayName.localeCompare(b.displayName, 'fr'));
}

/**
 * Replaces the stored password hash, unless it changed since it was read as `previous` (a password
 * changed meanwhile stays). Answers whether it was replaced.
 */
export async function replacePasswordHash(redis: Redis, userId: string, previous: string, next: string): Promise<boolean> {
  const replaced = await redis.eval(
    "if redis.call('HGET', KEYS[1], 'passwordHash') ~= ARGV[1] then return 0 end redis.call('HSET', KEYS[1], 'passwordHash', ARGV[2]) return 1",
    1,
    KEYS.user(userId),
    previous,
    next,
  );
  return replaced === 1;
}

/** Sets the stored password hash (a password change). */
export async function setPasswordHash(redis: Redis, userId: string, passwordHash: string): Promise<void> {
  await redis.hset(KEYS.user(userId), 'passwordHash', passwordHash);
}

/** The user with this id, or null. */
export async function getUser(redis: Redis, id: string): Promise<User | null> {
  return toUser(await redis.hgetall(KEYS.user(id)));
}

/** Directory entries of these ids, in the same order; null for unknown ids. */
export async function getSummaries(redis: Redis, ids: string[]): Promise<(UserSummary | null)[]> {
  if (ids.length === 0) return [];
  const rows = await redis.hmget(KEYS.directory, ...ids);
  return rows.map((row) => {
    return row === null ? null : summaryOf(JSON.parse(row) as DirectoryEntry);
  });
}

/** What an admin may change of an account; an empty profile field clears it. */
export type AccountChange = { displayName?: string; role?: Role } & Profile;

/**
 * Applies an admin's change to the user's hash and directory entry; null when there is no such
 * (live) account, else the user before and after.
 */
export async function updateAccount(redis: Redis, userId: string, change: AccountChange): Promise<{ before: User; after: User } | null> {
  const before = await getUser(redis, userId);
  if (before === null) return null;
  const after: User = { ...before, ...change };
  for (const field of PROFILE_FIELDS) if (!after[field]) delete after[field];
  const cleared = PROFILE_FIELDS.filter((field) => after[field] === undefined);
  const { id, username, displayName, role } = after;
  const write = crossSlotPipeline(redis).hset(KEYS.user(userId), { displayName, role, ...profileOf(after) });
  if (cleared.length > 0) write.hdel(KEYS.user(userId), ...cleared);
  write.hset(KEYS.directory, userId, JSON.stringify({ id, username, displayName, role, ...profileOf(after) } satisfies DirectoryEntry));
  await execOrThrow(write.exec());
  return { before, after };
}

/** How many accounts exist. */
export function countUsers(redis: Redis): Promise<number> {
  return redis.hlen(KEYS.usernames);
}

/** Directory search among the `listed` entries, accent- and case-insensitive on display name and username, sorted by name. */
export async function searchUsers(
  redis: Redis,
  query: string,
  max: number,
  listed: (entry: UserSummary) => boolean = () => true,
): Promise<UserSummary[]> {
  const needle = foldText(query.trim());
  const all = await liveEntries(redis);
  return all
    .filter(listed)
    .filter((e) => needle === '' || foldText(e.displayName).includes(needle) || foldText(e.username).includes(needle))
    .sort((a, b) => a.displayName.localeCompare(b.displayName, 'fr'))
    .slice(0, max)
    .map(summaryOf);
}

/** Everybody who shares a conversation with the user (who sees their presence, and whose presence they see). */
export async function contactsOf(redis: Redis, userId: string): Promise<string[]> {
  const conversationIds = await redis.smembers(KEYS.userConvs(userId));
  if (conversationIds.length === 0) return [];
  const read = crossSlotPipeline(redis);
  for (const id of conversationIds) read.smembers(KEYS.convMembers(id));
  const lists = (await execOrThrow(read.exec())) as string[][];
  const contacts = new Set(lists.flat());
  contacts.delete(userId);
  return [...contacts];
}
