import { lazyModule } from '../../core/lazy.ts';
import { onFrame, sendFrame } from '../../core/realtime.ts';
import { PARTY_ID, unlockAudioOnFirstGesture } from './call-party.ts';

/**
 * The always-loaded piece of calls (app shell): it takes the `call.*` frames, tells the server at
 * once that this device rings (so the caller is not told "unavailable" while the calls chunk loads),
 * and loads the calls chunk — UI, WebRTC, ringtone — only when a call rings or starts.
 */
const loadCalls = lazyModule(() =>
  import('./calls-chunk.ts').then((chunk) => {
    chunk.startCalls();
    return chunk;
  }),
);

/** Starts a call to `calleeId` in a conversation (loads the calls chunk). */
export function startCall(conversationId: string, calleeId: string, calleeName: string): void {
  void loadCalls().then((calls) => calls.startCall({ conversationId, calleeId, calleeName, video: true }));
}

/** Calls a function ("Médecin de garde — Médecine"): the gateway rings whoever holds it now. */
export function callFunction(conversationId: string, functionId: string, label: string, holderId: string): void {
  void loadCalls().then((calls) => calls.startCall({ conversationId, calleeId: holderId, calleeName: label, video: true, functionId }));
}

/** Opens the call history (loads the calls chunk). */
export function openCallHistory(): void {
  void loadCalls().then((calls) => calls.openHistory());
}

/** Listens for calls on the WebSocket, and readies the audio a ringtone will need. */
export function startCallListener(): void {
  onFrame('call.', (frame) => {
    if (frame.type === 'call.incoming' && typeof frame.callId === 'string') {
      sendFrame({ type: 'call.ringing', callId: frame.callId, partyId: PARTY_ID });
    }
    loadCalls().then(
      (calls) => calls.receiveFrame(frame),
      () => undefined,
    );
  });
  unlockAudioOnFirstGesture();
}
