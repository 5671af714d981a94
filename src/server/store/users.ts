import { crossSlotPipeline, type RedisClient as Redis } from '../redis/redis-connection.ts';
import { newId } from '../../shared/ids.ts';
import type { Role, User, UserSummary } from '../../shared/model.ts';
import { hashPassword } from '../auth/password.ts';
import { KEYS } from './keys.ts';

/** What is needed to create an account. */
export interface NewUser {
  username: string;
  password: string;
  displayName: string;
  role: Role;
}

export type CreateUserOutcome = { ok: true; user: User } | { ok: false; code: 'username_taken' };

interface DirectoryEntry extends UserSummary {
  username: string;
}

/** Lowercase, accents removed: how names are compared in searches and usernames are made unique. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Creates an account; the username is unique case-insensitively. */
export async function createUser(redis: Redis, input: NewUser): Promise<CreateUserOutcome> {
  const id = newId();
  const claimed = await redis.hsetnx(KEYS.usernames, input.username.toLowerCase(), id);
  if (claimed === 0) return { ok: false, code: 'username_taken' };
  const passwordHash = await hashPassword(input.password);
  const user: User = { id, username: input.username, displayName: input.displayName, role: input.role };
  const entry: DirectoryEntry = { id, username: user.username, displayName: user.displayName, role: user.role };
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
  return { id, username, displayName, role: role as Role };
}

/** The account and its password hash, looked up by username (case-insensitive). */
export async function findCredentials(
  redis: Redis,
  username: string,
): Promise<{ user: User; passwordHash: string } | null> {
  const id = await redis.hget(KEYS.usernames, username.toLowerCase());
  if (id === null) return null;
  const fields = await redis.hgetall(KEYS.user(id));
  const user = toUser(fields);
  if (user === null || !fields.passwordHash) return null;
  return { user, passwordHash: fields.passwordHash };
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
    if (row === null) return null;
    const entry = JSON.parse(row) as DirectoryEntry;
    return { id: entry.id, displayName: entry.displayName, role: entry.role };
  });
}

/** How many accounts exist. */
export function countUsers(redis: Redis): Promise<number> {
  return redis.hlen(KEYS.usernames);
}

/** Directory search, accent- and case-insensitive on display name and username, sorted by name. */
export async function searchUsers(redis: Redis, query: string, max: number): Promise<UserSummary[]> {
  const needle = foldText(query.trim());
  const all = Object.values(await redis.hgetall(KEYS.directory)).map((row) => JSON.parse(row) as DirectoryEntry);
  return all
    .filter((e) => needle === '' || foldText(e.displayName).includes(needle) || foldText(e.username).includes(needle))
    .sort((a, b) => a.displayName.localeCompare(b.displayName, 'fr'))
    .slice(0, max)
    .map((e) => ({ id: e.id, displayName: e.displayName, role: e.role }));
}
