import { errorCodeOf, isTransient, type ApiResponse, type ReplySchema } from '../../shared/api-client.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import { PullReply, PushReply } from '../../shared/http.ts';
import type { MutationKind } from '../../shared/mutations.ts';
import type { SyncRun } from './sync-run.ts';

/**
 * The two sync endpoints, one request each: a push of a batch of mutations, a page of the pull.
 * The outbox flush (flush.ts) and the pushes that need their answer at once (SyncEngine.pushNow)
 * send through the same pushBatch; every request notes the device online or not and expires the
 * session on 401 alike (SyncRun.answered).
 */

/** What a request came back with: its checked body, or why there is none. */
export type SyncAnswer<T> =
  | { ok: true; body: T }
  | { ok: false; status: number; code: ErrorCode; /** Worth retrying later as it is: no answer, 5xx, 429. */ transient: boolean };

type Requester = Pick<SyncRun, 'api' | 'deviceId' | 'userId' | 'answered' | 'carry'>;

async function ask<T>(run: Requester, answer: Promise<ApiResponse>, schema: ReplySchema<T>): Promise<SyncAnswer<T>> {
  const response = await answer;
  run.answered(response.status, errorCodeOf(response));
  const reply = response.status === 200 ? schema.safeParse(response.body) : undefined;
  if (reply?.success) return { ok: true, body: reply.data };
  return { ok: false, status: response.status, code: response.status === 200 ? 'internal' : errorCodeOf(response), transient: isTransient(response) };
}

/**
 * Pushes `mutations`, with the device's pull `cursor` when it has one: when the cursor is of an
 * older epoch the answer says `reset` and nothing was applied. Carried by an open tab's realtime
 * socket when the host gives `carry` and a tab can (tab-carrier.ts), else `POST /api/sync/push`: the
 * same body, the same answer.
 */
export function pushBatch(
  run: Requester,
  mutations: readonly { id: string; kind: MutationKind; args: unknown }[],
  cursor?: string,
): Promise<SyncAnswer<PushReply>> {
  const body = { deviceId: run.deviceId, mutations, ...(cursor === undefined ? {} : { cursor }) };
  const carried = run.carry ? run.carry(body, run.userId) : Promise.resolve(null);
  return ask(run, carried.then((answer) => answer ?? run.api.call('POST', '/api/sync/push', body)), PushReply);
}

/** The page of changes after `cursor` (no cursor: from the start), or `reset` when the store lost its data. */
export function pullPage(run: Requester, cursor: string | undefined): Promise<SyncAnswer<PullReply>> {
  return ask(run, run.api.call('GET', `/api/sync/pull${cursor === undefined ? '' : `?cursor=${encodeURIComponent(cursor)}`}`), PullReply);
}
