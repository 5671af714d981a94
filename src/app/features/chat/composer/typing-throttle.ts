/** The composer signals typing at most this often (the server coalesces to the same pace). */
export const TYPING_SEND_INTERVAL_MS = 3_000;

/** A throttle for sending typing frames: true when a frame may go now. */
export function createTypingThrottle(intervalMs: number = TYPING_SEND_INTERVAL_MS): (now?: number) => boolean {
  let last = -Infinity;
  return (now = Date.now()) => {
    if (now - last < intervalMs) return false;
    last = now;
    return true;
  };
}
