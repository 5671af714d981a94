/**
 * Redis key names. Per-conversation keys share the hash tag `{c:<id>}` and per-user keys `{u:<id>}`,
 * so every script touches one slot and the same code runs on Redis Cluster.
 */
export const KEYS = {
  epoch: 'relais:epoch',
  usernames: 'relais:usernames',
  /** Set by the demo seed on the store it fills: a demo store (auth/two-factor-routes.ts waives admins' second factor there). */
  demoSeed: 'relais:demo-seed',
  directory: 'relais:directory',
  /** A patient account's INS (national health identifier) → the account's id: one account per INS (store/patient-ins.ts). */
  insIndex: 'relais:ins',
  session: (tokenHash: string) => `relais:session:${tokenHash}`,
  /** Single sign-on: the person's identifier at the provider (RPPS) → the linked account's id. */
  ssoLinks: 'relais:sso:links',
  /** A sign-in under way at the provider, by SHA-256 of its `state`: verifier, nonce, browser binding (auth/sso). */
  ssoFlow: (stateHash: string) => `relais:sso:flow:${stateHash}`,
  /** Held while the account of a first sign-in is created, so two callbacks at once create one account. */
  ssoProvisioning: (identifierHash: string) => `relais:sso:provisioning:${identifierHash}`,
  /** Per session opened by single sign-on: its ID token (for RP-initiated logout) and whether the device has adopted it yet. */
  ssoSession: (sessionKey: string) => `relais:sso:session:${sessionKey.slice(sessionKey.lastIndexOf(':') + 1)}`,
  /**
   * Left where a session was ended from elsewhere (another device, an admin): why, until the session
   * would have ended anyway. The device that still holds its token learns it must wipe its store.
   */
  sessionWipe: (sessionKey: string) => `relais:wipe:${sessionKey.slice(sessionKey.lastIndexOf(':') + 1)}`,
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
  /**
   * Every message id of the conversation: messageId → `<seq> <senderId>` (an id is taken once; a
   * reply names its quoted message's real author from here). Filled by store/lua MESSAGE_IDS.
   */
  convMessageIds: (id: string) => `{c:${id}}:msgids`,
  /** Per-user archive and "deleted for me" positions: `<userId>:a`, `<userId>:h` → seq. */
  convUserState: (id: string) => `{c:${id}}:ustate`,
  /** Members at the time of a delete for everyone (replays fan out to them again). */
  convFormer: (id: string) => `{c:${id}}:former`,
  /** Files uploaded to the conversation: sha256 → mime. */
  convBlobs: (id: string) => `{c:${id}}:blobs`,
  /** Who uploaded which file to the conversation: `<sha256>:<userId>` → upload time (ms). */
  convBlobOwners: (id: string) => `{c:${id}}:blobowners`,
  /** Scratch log while a deleted conversation's log is rewritten as tombstones (store/erasure.ts). */
  convErasing: (id: string) => `{c:${id}}:erasing`,
  /** The conversations holding a file (content-addressed, shared): the file goes when none is left. */
  blobRef: (sha256: string) => `relais:blobref:${sha256}`,
  /** The user's kept uploads, for the quota: `<conversationId>:<sha256>` → size in bytes. */
  userBlobRefs: (id: string) => `{u:${id}}:blobrefs`,
  /** Sum of the sizes in userBlobRefs. */
  userBlobBytes: (id: string) => `{u:${id}}:blobbytes`,
  /** The last feed compaction: `<old tail id> <first rebuilt id> <last rebuilt id>` (store/feed-compaction.ts). */
  userFeedCut: (id: string) => `{u:${id}}:feedcut`,
  /** This user's connected devices: socket id → `<state>:<expiresAtMs>`. */
  userPresence: (id: string) => `{u:${id}}:presence`,
  userLastSeen: (id: string) => `{u:${id}}:seen`,
  /** This user's session keys, scored by their absolute deadline (unix seconds). */
  userSessions: (id: string) => `{u:${id}}:sessions`,
  /** Session key → JSON {label, signedInAt} of each of the user's sessions (the devices list). */
  userDevices: (id: string) => `{u:${id}}:devices`,
  /** SHA-256 of the account's one-time activation code, while it is valid. */
  userActivation: (id: string) => `{u:${id}}:activation`,
  /** Two-factor sign-in (auth/two-factor.ts): `secret` (base32, once confirmed), `step` (the last TOTP time step accepted). */
  userTwoFactor: (id: string) => `{u:${id}}:2fa`,
  /** SHA-256 of each unused recovery code. */
  userRecoveryCodes: (id: string) => `{u:${id}}:2fa:recovery`,
  /** A secret offered by setup and not confirmed yet (expires). */
  userTwoFactorPending: (id: string) => `{u:${id}}:2fa:pending`,
  /** The user's availability status (JSON of the shared `Availability`), expiring at its `until`. */
  userStatus: (id: string) => `{u:${id}}:status`,
  /** The urgent messages this user sent that may still wait for an answer: `<conversationId> <messageId>` scored by the time sent (store/urgent-open.ts). */
  userUrgentOpen: (id: string) => `{u:${id}}:urgent-open`,
  /** The staff an admin assigned to this patient (their care team beyond shared conversations). */
  userCareTeam: (id: string) => `{u:${id}}:careteam`,
  /** The patients this staff member is assigned to (the reverse of userCareTeam). */
  userCarePatients: (id: string) => `{u:${id}}:carepatients`,
  /** Function roles (store/functions.ts): function id → JSON `{id, name, service?, eligibleRoles}`. */
  functions: 'relais:functions',
  /** A function's weekly pattern: JSON array of `{day, start, end, userId}` (local times, Europe/Paris). */
  functionPattern: (id: string) => `{f:${id}}:pattern`,
  /** A function's dated overrides not ended: override id → JSON `{id, from, to, userId, createdAt}`. */
  functionOverrides: (id: string) => `{f:${id}}:overrides`,
  /** A function's handovers not ended: handover id → JSON `{id, fromUserId, toUserId, from, until, createdAt}`. */
  functionHandovers: (id: string) => `{f:${id}}:handovers`,
  /** A function's escalation ladder: JSON array of `{afterMinutes, target}` (oncall/ladder.ts). */
  functionLadder: (id: string) => `{f:${id}}:ladder`,
  /** Urgent messages written to a function not known answered: `<conversationId> <messageId>` → sent at (ms); read at a handover. */
  functionUrgent: (id: string) => `{f:${id}}:urgent`,
  /** Sorted set: the escalation ladders' next steps (JSON, oncall/ladder-scheduler.ts) → when due (ms). */
  ladderQueue: '{oncall}:ladder',
  /** Held by the gateway scanning the ladder queue. */
  ladderLock: '{oncall}:ladder:lock',
} as const;

/**
 * The names the conversation scripts give their keys (store/lua), in the order they receive them:
 * `conversationKeys()` builds the same list from a conversation id.
 */
export const CONVERSATION_SCRIPT_KEYS = ['meta', 'members', 'log', 'dedupe', 'reads', 'seqver', 'msgids'] as const;
/** The lifecycle scripts' keys: the conversation's, then user states and former members. */
export const LIFECYCLE_SCRIPT_KEYS = [...CONVERSATION_SCRIPT_KEYS, 'ustate', 'former'] as const;

const CONVERSATION_KEY_OF = {
  meta: KEYS.convMeta,
  members: KEYS.convMembers,
  log: KEYS.convLog,
  dedupe: KEYS.convDedupe,
  reads: KEYS.convReads,
  seqver: KEYS.convSeqVer,
  msgids: KEYS.convMessageIds,
  ustate: KEYS.convUserState,
  former: KEYS.convFormer,
} as const;

/** The conversation keys of the lifecycle scripts: the conversation's below, then user states and former members. */
export function lifecycleKeys(conversationId: string): string[] {
  return LIFECYCLE_SCRIPT_KEYS.map((name) => CONVERSATION_KEY_OF[name](conversationId));
}

/** The conversation keys every conversation script receives, in this order. */
export function conversationKeys(conversationId: string): string[] {
  return CONVERSATION_SCRIPT_KEYS.map((name) => CONVERSATION_KEY_OF[name](conversationId));
}
