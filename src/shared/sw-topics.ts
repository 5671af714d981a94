/**
 * The BroadcastChannel name and topic helpers, apart from the schemas so that the app shell can use
 * them without bundling zod (see src/app/envelope.ts).
 */
export const BROADCAST_CHANNEL = 'relais';

/** Topic of the event telling that a conversation's messages changed. */
export function messagesTopic(conversationId: string): `messages:${string}` {
  return `messages:${conversationId}`;
}

/** Topics with a fixed name; `messages:<conversationId>` is the only parameterised one. */
export const FIXED_TOPICS = ['conversations', 'sync', 'auth', 'update', 'notifications', 'preferences'] as const;

export const MESSAGES_TOPIC = /^messages:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
