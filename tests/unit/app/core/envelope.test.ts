import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../../src/shared/errors.ts';
import { LiveFrame } from '../../../../src/shared/live-frames.ts';
import { NotificationType } from '../../../../src/shared/local-model.ts';
import { PresenceState, Role } from '../../../../src/shared/model.ts';
import { FIXED_TOPICS, swEventSchema } from '../../../../src/shared/sw-events.ts';
import { SwReplySchema } from '../../../../src/shared/sw-requests.ts';
import { parseEphemeralFrame, parseSwEvent, parseSwReply } from '../../../../src/app/core/envelope.ts';

/**
 * The app shell checks what reaches it by hand (envelope.ts: zod would cost ~9 KB gzip there). These
 * properties prove the hand-written checks accept and refuse exactly what the shared schemas do, on
 * values built from the schemas' shapes and on near-misses of them (a field missing, of another type,
 * a bad id, an unknown topic or code), so the two cannot drift apart unnoticed.
 */

const RUNS = { numRuns: 2_000 };

/** Values that are wrong for almost any field, and the edge cases the checks must see through. */
const oddValue = fc.oneof(
  fc.constantFrom(undefined, null, '', 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, true, false, [], {}, 'x', '1'),
  fc.anything(),
);

/** Ids: valid UUIDs of every version and case, and strings that only look like one. */
const idLike = fc.oneof(
  fc.uuid(),
  fc.uuid().map((id) => id.toUpperCase()),
  fc.constantFrom(
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
    '0190a5b0-0000-0000-0000-00000000000a',
    '0190A5B0-0000-7000-C000-00000000000A',
  ),
  fc.stringMatching(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/),
  fc.uuid().map((id) => `${id} `),
  fc.string(),
);
const finite = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
const numberLike = fc.oneof(finite, fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '3'));
const errorCodeLike = fc.oneof(fc.constantFrom(...ERROR_CODES), fc.constantFrom('not_a_code', 'Internal', ''), fc.string());

/** A record built field by field from arbitraries (a field whose arbitrary gives `ABSENT` is left out). */
const ABSENT = Symbol('absent');
function record(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(fields).map((value) => Object.fromEntries(Object.entries(value).filter(([, field]) => field !== ABSENT)));
}
/** Mostly a valid field, sometimes a near-miss, sometimes missing. */
function field<T>(valid: fc.Arbitrary<T>, nearMiss: fc.Arbitrary<unknown> = oddValue, options: { optional?: boolean } = {}): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 8, arbitrary: valid },
    { weight: 2, arbitrary: nearMiss },
    { weight: 1, arbitrary: fc.constant(options.optional ? undefined : ABSENT) },
  );
}
/** A record, or now and then something else entirely. */
function orOdd(arbitrary: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 9, arbitrary }, { weight: 1, arbitrary: oddValue });
}

const accepts = (schema: { safeParse(value: unknown): { success: boolean } }, value: unknown): boolean => schema.safeParse(value).success;

describe('parseSwReply() agrees with SwReplySchema', () => {
  const reply = orOdd(
    record({
      id: field(fc.string(), numberLike),
      ok: field(fc.boolean(), fc.constantFrom('true', 1, null)),
      result: field(fc.anything(), fc.constant(undefined)),
      error: field(orOdd(record({ code: field(errorCodeLike) })), oddValue),
    }),
  );

  it('accepts and refuses the same replies', () => {
    fc.assert(
      fc.property(reply, (value) => {
        expect(parseSwReply(value) !== null).toBe(accepts(SwReplySchema, value));
      }),
      RUNS,
    );
  });

  it('keeps the id, the result and the error code of what it accepts', () => {
    expect(parseSwReply({ id: 'p-1', ok: true, result: { n: 1 } })).toEqual({ id: 'p-1', ok: true, result: { n: 1 } });
    expect(parseSwReply({ id: 'p-2', ok: false, error: { code: 'storage_full' } })).toEqual({ id: 'p-2', ok: false, code: 'storage_full' });
  });
});

describe('parseSwEvent() agrees with swEventSchema()', () => {
  const user = orOdd(
    record({
      id: field(idLike),
      username: field(fc.string()),
      displayName: field(fc.string()),
      role: field(fc.constantFrom(...Role.options), fc.constantFrom('nurse ', 'Doctor', 'root')),
    }),
  );
  const dataByTopic: Record<string, fc.Arbitrary<unknown>> = {
    conversations: orOdd(fc.dictionary(fc.string(), fc.anything())),
    update: orOdd(fc.dictionary(fc.string(), fc.anything())),
    preferences: orOdd(fc.dictionary(fc.string(), fc.anything())),
    sync: orOdd(
      record({
        online: field(fc.boolean()),
        flushing: field(fc.boolean()),
        pending: field(finite, numberLike),
        changes: field(finite, numberLike),
        lastSyncAt: field(fc.option(finite), numberLike),
        lastErrorCode: field(fc.option(fc.constantFrom(...ERROR_CODES)), errorCodeLike),
      }),
    ),
    auth: orOdd(
      record({
        user: field(fc.option(user)),
        expired: field(fc.boolean()),
        locked: field(fc.boolean(), oddValue, { optional: true }),
        unlock: field(orOdd(record({ failures: field(finite, numberLike), retryAt: field(finite, numberLike) })), oddValue, { optional: true }),
      }),
    ),
    notifications: orOdd(
      record({
        counts: field(orOdd(record({ unread: field(finite, numberLike), missedCalls: field(finite, numberLike) }))),
        latest: field(
          orOdd(
            record({
              type: field(fc.constantFrom(...NotificationType.options), fc.constantFrom('missed', 'Message', 'urgent')),
              conversationId: field(fc.option(idLike)),
              urgent: field(fc.boolean()),
            }),
          ),
          oddValue,
          { optional: true },
        ),
      }),
    ),
  };
  const messagesEvent = fc.tuple(idLike, idLike, fc.boolean()).chain(([topicId, dataId, same]) =>
    fc.constant({ topic: `messages:${topicId}`, data: { conversationId: same ? topicId : dataId } }),
  );
  const fixedEvent = fc.constantFrom(...FIXED_TOPICS).chain((topic) => record({ topic: fc.constant(topic), data: field(dataByTopic[topic] as fc.Arbitrary<unknown>) }));
  const strayEvent = record({ topic: field(fc.oneof(fc.constantFrom('messages:', 'message', 'Sync', 'notification', 'valueOf', 'constructor', '__proto__', 'toString'), fc.string())), data: field(fc.dictionary(fc.string(), fc.anything())) });
  const event = orOdd(fc.oneof({ weight: 6, arbitrary: fixedEvent }, { weight: 3, arbitrary: messagesEvent }, { weight: 1, arbitrary: strayEvent }));

  it('accepts and refuses the same events', () => {
    fc.assert(
      fc.property(event, (value) => {
        expect(parseSwEvent(value) !== null).toBe(accepts(swEventSchema(), value));
      }),
      RUNS,
    );
  });
});

describe('parseEphemeralFrame() agrees with the typing and presence members of LiveFrame', () => {
  const typingFrame = record({ type: fc.constant('typing'), conversationId: field(idLike), userId: field(idLike) });
  const presenceFrame = record({
    type: fc.constant('presence'),
    userId: field(idLike),
    state: field(fc.constantFrom(...PresenceState.options), fc.constantFrom('busy', 'Online', '')),
    lastSeen: field(fc.option(finite), numberLike),
  });
  const otherFrame = record({ type: field(fc.constantFrom('changes', 'hello', 'pong', 'Typing', 'call.incoming')), conversationId: field(idLike), userId: field(idLike) });
  const frame = orOdd(fc.oneof(typingFrame, presenceFrame, otherFrame));
  const schemaAccepts = (value: unknown): boolean => {
    const type = (value as { type?: unknown } | null)?.type;
    return (type === 'typing' || type === 'presence') && accepts(LiveFrame, value);
  };

  it('accepts and refuses the same frames', () => {
    fc.assert(
      fc.property(frame, (value) => {
        expect(parseEphemeralFrame(value) !== null).toBe(schemaAccepts(value));
      }),
      RUNS,
    );
  });

  it('keeps only the fields the page shows', () => {
    const userId = '0190a5b0-0000-7000-8000-00000000000a';
    expect(parseEphemeralFrame({ type: 'presence', userId, state: 'away', lastSeen: null, extra: 1 })).toEqual({ type: 'presence', userId, state: 'away', lastSeen: null });
  });
});
