import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { AUDIT_KEYS, entryHash, fieldOf, GENESIS } from './audit-log.ts';

/** What a walk of the chain found: how many entries hold, and the first broken link if any. */
export interface AuditVerdict {
  checked: number;
  broken?: { id: string; reason: 'altered' | 'unlinked' | 'head' };
}

const PAGE = 1_000;

/**
 * Walks the audit chain from its anchor, oldest first: each entry must carry the hash of the one
 * before (`unlinked`: an entry was removed or inserted before it) and its own hash must cover its body
 * (`altered`); the newest must be the head (`head`: entries were removed at the end).
 */
export async function verifyAudit(redis: Redis): Promise<AuditVerdict> {
  let expectedPrev = (await redis.get(AUDIT_KEYS.anchor)) ?? GENESIS;
  let checked = 0;
  let start = '-';
  let lastId = '';
  for (;;) {
    const page = await redis.xrange(AUDIT_KEYS.log, start, '+', 'COUNT', PAGE);
    for (const [id, fields] of page) {
      const body = fieldOf(fields, 'body') ?? '';
      const prev = fieldOf(fields, 'prev');
      const hash = fieldOf(fields, 'hash');
      if (prev !== expectedPrev) return { checked, broken: { id, reason: 'unlinked' } };
      if (hash !== entryHash(prev, body)) return { checked, broken: { id, reason: 'altered' } };
      expectedPrev = hash;
      lastId = id;
      checked++;
    }
    if (page.length < PAGE) break;
    start = `(${lastId}`;
  }
  const head = await redis.get(AUDIT_KEYS.head);
  if (head !== null && head !== expectedPrev) return { checked, broken: { id: lastId || '-', reason: 'head' } };
  return { checked };
}
