import { Redis } from 'ioredis';
import { hashPassword } from '../../src/server/auth/password.ts';
import { openSession } from '../../src/server/auth/sessions.ts';
import { createConversation } from '../../src/server/store/conversations.ts';
import { KEYS } from '../../src/server/store/keys.ts';
import type { Workload } from './workload.ts';

/**
 * Puts the workload into a Relais store: accounts (one shared password hash: scrypt per account
 * would dominate the setup), a session per user, and every conversation through the real script.
 * Answers the session tokens by user index.
 */
export async function seedRelais(redisUrl: string, workload: Workload): Promise<string[]> {
  const redis = new Redis(redisUrl);
  try {
    const passwordHash = await hashPassword('bench-password');
    const write = redis.pipeline();
    workload.userIds.forEach((id, i) => {
      const username = `bench${i}`;
      write.hset(KEYS.usernames, username, id);
      write.hset(KEYS.user(id), { id, username, displayName: `Bench ${i}`, role: 'doctor', passwordHash, createdAt: '0' });
      write.hset(KEYS.directory, id, JSON.stringify({ id, username, displayName: `Bench ${i}`, role: 'doctor' }));
    });
    await write.exec();
    const tokens = await Promise.all(workload.userIds.map((id) => openSession(redis, id, { ttlSeconds: 3_600, maxAgeSeconds: 3_600 })));
    for (const conversation of workload.conversations) {
      const [creator, ...others] = conversation.members.map((m) => workload.userIds[m] as string);
      const outcome = await createConversation(redis, creator as string, conversation.id, {
        conversationId: conversation.id,
        participantIds: others,
        title: `Groupe ${conversation.members.length}`,
      });
      if (!outcome.ok) throw new Error(`seeding conversation failed: ${outcome.code}`);
    }
    return tokens;
  } finally {
    redis.disconnect();
  }
}
