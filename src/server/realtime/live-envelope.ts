/** A live event between gateways: a frame for some users' sockets, minus one user's. */
export interface LiveEnvelope {
  memberIds: readonly string[];
  /** The server frame, already serialized as JSON. */
  frame: string;
  /** A user whose sockets must not get it (the one typing). */
  exceptUserId?: string;
  /**
   * The change moved who is in a conversation (created, joined, removed, deleted): the receiving
   * gateway reads its recipients' conversation lists again to follow the conversation's channel.
   */
  membership?: boolean;
}

/**
 * The envelope on the wire: `[!]<member ids, comma-separated>\n<excepted user or empty>\n<frame>`
 * (`!`: a membership change; no id starts with it).
 * The frame is already JSON and travels as is, where a JSON envelope would escape it on one side
 * and unescape it on the other (for every event, on every gateway); ids hold no comma nor newline.
 * The append and read-marker scripts write the same form themselves (PUBLISH in store/lua/fragments.ts).
 */
export function encodeEnvelope(envelope: LiveEnvelope): string {
  return `${envelope.membership === true ? '!' : ''}${envelope.memberIds.join(',')}\n${envelope.exceptUserId ?? ''}\n${envelope.frame}`;
}

/** The all-JSON form older gateways publish: `{m: memberIds, f: frame, x?: exceptUserId}`. */
interface LegacyEnvelope {
  m: readonly string[];
  f: string;
  x?: string;
}

/** Reads an envelope (also the former all-JSON form, from a gateway not upgraded yet); null when malformed. */
export function decodeEnvelope(wire: string): LiveEnvelope | null {
  if (wire.startsWith('{')) {
    const legacy = JSON.parse(wire) as LegacyEnvelope;
    return { memberIds: legacy.m, frame: legacy.f, ...(legacy.x === undefined ? {} : { exceptUserId: legacy.x }) };
  }
  const membership = wire.startsWith('!');
  const payload = membership ? wire.slice(1) : wire;
  const first = payload.indexOf('\n');
  const second = first < 0 ? -1 : payload.indexOf('\n', first + 1);
  if (second < 0) return null;
  const exceptUserId = payload.slice(first + 1, second);
  return {
    memberIds: first === 0 ? [] : payload.slice(0, first).split(','),
    frame: payload.slice(second + 1),
    ...(exceptUserId === '' ? {} : { exceptUserId }),
    ...(membership ? { membership } : {}),
  };
}
