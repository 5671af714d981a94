import { CallHistoryReply, CallStatsReply, IceServersReply } from '../../../shared/calls.ts';
import { api } from '../../core/http.ts';

/** Cached ICE servers are asked again this long before their TURN credentials expire. */
const ICE_REFRESH_MARGIN_MS = 60_000;

let iceCache: { servers: RTCIceServer[]; until: number } | null = null;

/**
 * The ICE servers of a new peer connection (TURN credentials expire, so the answer is kept until a
 * minute before they do); none when the server cannot say: a call on the clinic's LAN needs none.
 */
export async function iceServers(): Promise<RTCIceServer[]> {
  if (iceCache && iceCache.until > Date.now() + ICE_REFRESH_MARGIN_MS) return iceCache.servers;
  try {
    const reply = await api.read('GET', '/api/calls/ice-servers', IceServersReply);
    iceCache = { servers: reply.iceServers, until: reply.expiresAt ?? Number.MAX_SAFE_INTEGER };
    return iceCache.servers;
  } catch {
    return [];
  }
}

/** The user's calls, newest first (the history panel). */
export function callHistory(): Promise<CallHistoryReply> {
  return api.read('GET', '/api/calls/history', CallHistoryReply);
}

/** The user's call totals over the last 30 days (history and statistics panels). */
export function callStats(): Promise<CallStatsReply> {
  return api.read('GET', '/api/calls/stats', CallStatsReply);
}
