/** After this long unread, the sender of an urgent message sees "Non lu depuis N min". */
export const UNREAD_ALERT_MS = 10 * 60 * 1000;

/**
 * Minutes an urgent message of ours has stayed unread by every recipient, once that reaches
 * 10 minutes (the server keeps re-notifying them meanwhile); null otherwise.
 */
export function unreadMinutes(message: { urgent: boolean; status: string; time: number }, readBy: number, now: number): number | null {
  if (!message.urgent || message.status !== 'sent' || readBy > 0) return null;
  const elapsed = now - message.time;
  return elapsed >= UNREAD_ALERT_MS ? Math.floor(elapsed / 60_000) : null;
}
