import { effect } from '@preact/signals';
import type { CallClientFrame } from '../../../shared/calls.ts';
import { realtimeStatus, sendFrame } from '../../core/realtime.ts';
import { PARTY_ID } from './call-party.ts';

/**
 * Call frames leaving this tab. Sent at once while the WebSocket is open; queued while it is not,
 * so a reconnect does not lose an ICE restart offer; the call's heartbeat tells the server (and the
 * other side) that this device is still in the call.
 */
const HEARTBEAT_MS = 5_000;
/** Frames kept while the socket is down (the oldest go first past it). */
const QUEUE_MAX = 200;

const queued: CallClientFrame[] = [];
let heartbeat: ReturnType<typeof setInterval> | undefined;

/** Sends a call frame now, or as soon as the socket is open again. */
export function sendCallFrame(frame: CallClientFrame): void {
  if (realtimeStatus.peek() === 'open') {
    sendFrame(frame);
    return;
  }
  if (queued.length >= QUEUE_MAX) queued.shift();
  queued.push(frame);
}

/** Says "still in this call" once (on the live socket only: a stale beat is worthless). */
export function beat(callId: string): void {
  sendFrame({ type: 'call.heartbeat', callId, partyId: PARTY_ID });
}

/** Beats every HEARTBEAT_MS for `callId` (replacing the previous call's heartbeat). */
export function startHeartbeat(callId: string): void {
  clearInterval(heartbeat);
  heartbeat = setInterval(() => beat(callId), HEARTBEAT_MS);
}

/** Stops the heartbeat (the call ended). */
export function stopHeartbeat(): void {
  clearInterval(heartbeat);
}

/** Sends the queued frames whenever the socket opens; `onReconnect` runs after them. */
export function startCallOutbox(onReconnect: () => void): void {
  effect(() => {
    if (realtimeStatus.value !== 'open') return;
    for (const frame of queued.splice(0)) sendFrame(frame);
    onReconnect();
  });
}
