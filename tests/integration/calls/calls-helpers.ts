import type { Redis } from 'ioredis';
import { newId } from '../../../src/shared/ids.ts';
import type { Conversation } from '../../../src/shared/model.ts';
import type { ServerFrame } from '../../../src/shared/realtime.ts';
import { loadCallsConfig, type CallsConfig } from '../../../src/server/calls/calls-config.ts';
import { ApiClient, LiveClient, signedInClient } from '../helpers.ts';

/** The Redis DB index the call integration tests own (flushed by them). */
export const CALLS_DB = 10;

/** Call settings with short timings, so timeouts happen within a test. */
export function callsConfig(calls: Partial<CallsConfig> = {}): CallsConfig {
  return { ...loadCallsConfig({}), ...calls };
}

/** One device (tab) of a user: its socket and its stable partyId. */
export interface Device {
  live: LiveClient;
  partyId: string;
}

export interface Person {
  api: ApiClient;
  id: string;
  device(): Promise<Device>;
}

/** A signed-in user whose devices are opened on demand. */
export async function person(redis: Redis, url: string, opened: LiveClient[]): Promise<Person> {
  const { api, user } = await signedInClient(redis, url);
  return {
    api,
    id: user.id,
    async device() {
      const live = await LiveClient.open(url, api.cookie);
      opened.push(live);
      return { live, partyId: newId() };
    },
  };
}

/** A direct conversation between the two, created by `a`. */
export async function directConversation(a: Person, b: Person): Promise<string> {
  const [created] = await a.api.push([
    { id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds: [b.id] } },
  ]);
  return (created?.result as { conversation: Conversation }).conversation.id;
}

type Of<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

/** The next frame of this type for this call. */
export async function nextCallFrame<T extends ServerFrame['type']>(device: Device, type: T, callId?: string, timeoutMs?: number): Promise<Of<T>> {
  const frame = await device.live.next(
    (f) => f.type === type && (callId === undefined || (f as { callId?: string }).callId === callId),
    timeoutMs,
  );
  return frame as Of<T>;
}

/** Sends an invite from `device` and answers the call id. */
export function invite(device: Device, conversationId: string, calleeId: string, callId = newId()): string {
  device.live.send({ type: 'call.invite', callId, conversationId, calleeId, partyId: device.partyId, video: true });
  return callId;
}

/** True when no frame of this type for this call arrived within `ms` (used after the outcome is known). */
export async function noFrame(device: Device, type: ServerFrame['type'], callId: string, ms = 300): Promise<boolean> {
  try {
    await nextCallFrame(device, type, callId, ms);
    return false;
  } catch {
    return true;
  }
}

/** Anne calls Karim, one device each, from a new direct conversation, and Karim's device rings. */
export async function ringingCall(
  redis: Redis,
  url: string,
  opened: LiveClient[],
): Promise<{ anne: Person; karim: Person; conversationId: string; a: Device; k: Device; callId: string }> {
  const anne = await person(redis, url, opened);
  const karim = await person(redis, url, opened);
  const conversationId = await directConversation(anne, karim);
  const [a, k] = [await anne.device(), await karim.device()];
  const callId = invite(a, conversationId, karim.id);
  await nextCallFrame(k, 'call.incoming', callId);
  return { anne, karim, conversationId, a, k, callId };
}
