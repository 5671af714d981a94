import type { Conversation } from '../../shared/model.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import { userCan } from '../policy/directory.ts';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { getFunction } from '../store/functions.ts';
import { functionEntries } from './function-entries.ts';

/**
 * Who a conversation addressed to a function reaches (`conversation.create` with `functionId`):
 * whoever holds it at `now` by its rota — the gateway's answer, not the device's list, which may be
 * minutes old. Staff only (`function.read`, as the list of functions); an unknown function is
 * `not_found`, a vacant one `function_unheld`.
 */
export async function reachFunction(
  redis: Redis,
  userId: string,
  functionId: string,
  now: number,
): Promise<{ ok: true; addressed: NonNullable<Conversation['function']> } | { ok: false; code: ErrorCode }> {
  if (!(await userCan(redis, userId, 'function.read'))) return { ok: false, code: 'role_forbidden' };
  const definition = await getFunction(redis, functionId);
  if (definition === null) return { ok: false, code: 'not_found' };
  const [entry] = await functionEntries(redis, [definition], now);
  if (!entry?.holder) return { ok: false, code: 'function_unheld' };
  return { ok: true, addressed: { id: definition.id, name: definition.name, holderId: entry.holder.id } };
}
