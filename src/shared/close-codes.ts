/**
 * WebSocket close codes of `/api/realtime` the client acts on. Apart from realtime.ts (its frame
 * schemas would follow this constant into the app shell).
 */

/**
 * Close code of a socket whose session ended (logout, revocation, expiry, password change): the tab
 * asks the service worker to contact the server, which says whether to wipe (remote wipe).
 */
export const SESSION_ENDED_CLOSE_CODE = 4401;
