/**
 * WebSocket close codes the gateway uses (4000–4999 are the application's), shared with the app.
 * `SESSION_ENDED`: the socket's session ended (signed out, disabled, deleted, device revoked); the
 * app syncs at once, so the service worker learns the session is over and shows the sign-in screen.
 */
export const SESSION_ENDED_CLOSE_CODE = 4401;
