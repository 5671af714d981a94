/**
 * Redis key names. Per-conversation keys share the hash tag `{c:<id>}` and per-user keys `{u:<id>}`,
 * so every script touches one slot and the same code runs on Redis Cluster.
 */
export const KEYS = {
  epoch: 'relais:epoch',
  usernames: 'relais:usernames',
  directory: 'relais:directory',
  session: (tokenHash: string) => `relais:session:${tokenHash}`,
  direct: (a: string, b: string) => (a < b ? `relais:direct:${a}:${b}` : `relais:direct:${b}:${a}`),
  user: (id: string) => `{u:${id}}:user`,
  userConvs: (id: string) => `{u:${id}}:convs`,
  userFeed: (id: string) => `{u:${id}}:feed`,
  userFanned: (id: string) => `{u:${id}}:fanned`,
  convMeta: (id: string) => `{c:${id}}:meta`,
  convMembers: (id: string) => `{c:${id}}:members`,
  convLog: (id: string) => `{c:${id}}:log`,
  convDedupe: (id: string) => `{c:${id}}:dedupe`,
  convReads: (id: string) => `{c:${id}}:reads`,
  /** seq → log version of each message, for history pages. */
  convSeqVer: (id: string) => `{c:${id}}:seqver`,
} as const;

/** The conversation keys every conversation script receives, in this order. */
export function conversationKeys(conversationId: string): string[] {
  return [
    KEYS.convMeta(conversationId),
    KEYS.convMembers(conversationId),
    KEYS.convLog(conversationId),
    KEYS.convDedupe(conversationId),
    KEYS.convReads(conversationId),
    KEYS.convSeqVer(conversationId),
  ];
}
