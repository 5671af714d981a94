/**
 * True when `origin` is the request's own origin (scheme://host from the Host header) or one of the
 * configured extra origins. A missing Origin is refused: browsers send it on every state-changing
 * request and WebSocket upgrade, so its absence means a non-browser or a stripped request.
 */
export function originAllowed(
  origin: string | undefined,
  request: { protocol: string; host: string },
  allowed: readonly string[],
): boolean {
  if (!origin || origin === 'null') return false;
  const own = `${request.protocol}://${request.host}`.toLowerCase();
  const given = origin.toLowerCase();
  return given === own || allowed.some((o) => o.toLowerCase() === given);
}
