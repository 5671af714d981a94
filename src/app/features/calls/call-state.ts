import { signal } from '@preact/signals';
import type { CallOutcome } from '../../../shared/calls.ts';
import type { MediaErrorCode } from './media.ts';
import type { QualitySample } from './quality.ts';

/**
 * The call as this tab sees it (signals read by the call components).
 *
 *   caller: preparing (camera) ─▶ outgoing (ringing there) ─▶ connecting (accepted) ─▶ active ─▶ ended
 *   callee: incoming (ringing here) ─▶ connecting ─▶ active ─▶ ended
 *   any state ─▶ ended (hang-up, decline, timeout, answered on another device, …)
 */
export type CallPhase = 'preparing' | 'outgoing' | 'incoming' | 'connecting' | 'active' | 'ended';

export interface CallView {
  callId: string;
  conversationId: string;
  role: 'caller' | 'callee';
  peerId: string;
  peerName: string;
  /** A call to a function: the gateway rings whoever holds it now (`peerId` is that person once known). */
  functionId?: string;
  /** Callee: the call is for a function this user holds (its name as the gateway resolved it). */
  functionName?: string;
  video: boolean;
  phase: CallPhase;
  /** Caller: a callee device rings. */
  rang: boolean;
  outcome: CallOutcome | null;
  /** Callee: the call was taken or refused on another of this user's devices. */
  endedNote: 'answered_elsewhere' | 'declined_elsewhere' | 'function_unheld' | null;
  durationSeconds: number;
  /** Local time the call was answered (for the running duration). */
  answeredAt: number | null;
  remoteAudio: boolean;
  remoteVideo: boolean;
  mediaError: MediaErrorCode | null;
}

export const call = signal<CallView | null>(null);
export const localStream = signal<MediaStream | null>(null);
export const remoteStream = signal<MediaStream | null>(null);
export const localMedia = signal({ audio: true, video: true });
export const reconnecting = signal(false);
export const quality = signal<QualitySample | null>(null);
export const canSwitchCamera = signal(false);
export const historyOpen = signal(false);

/** Updates the current call (only if it is still `callId`). */
export function patchCall(callId: string, patch: Partial<CallView>): void {
  const current = call.peek();
  if (current?.callId === callId) call.value = { ...current, ...patch };
}

/** True while a call occupies this tab (not yet ended). */
export function callLive(): boolean {
  const current = call.peek();
  return current !== null && current.phase !== 'ended';
}

/** The view of a call just begun: nothing answered yet, the other side's media on, no error. */
export function freshCall(
  start: Pick<CallView, 'callId' | 'conversationId' | 'role' | 'peerId' | 'peerName' | 'video' | 'phase' | 'rang'> & Pick<Partial<CallView>, 'functionId' | 'functionName'>,
): CallView {
  return {
    ...start,
    outcome: null,
    endedNote: null,
    durationSeconds: 0,
    answeredAt: null,
    remoteAudio: true,
    remoteVideo: start.video,
    mediaError: null,
  };
}
