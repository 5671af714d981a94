import type { LocalMessage } from '../../../shared/local-model.ts';

/**
 * Display order: messages the server sequenced, by `seq`; then those not sent yet (pending or failed),
 * by local creation time — they will get the next seqs, so they belong at the bottom.
 */
export function orderMessages(messages: readonly LocalMessage[]): LocalMessage[] {
  return [...messages].sort((a, b) => {
    if (a.seq !== null && b.seq !== null) return a.seq - b.seq;
    if (a.seq !== null) return -1;
    if (b.seq !== null) return 1;
    return a.time - b.time || a.messageId.localeCompare(b.messageId);
  });
}

/** The highest seq in a list (0 when nothing was sequenced): what `read.mark` sends. */
export function highestSeq(messages: readonly LocalMessage[]): number {
  let highest = 0;
  for (const message of messages) if (message.seq !== null && message.seq > highest) highest = message.seq;
  return highest;
}

/** True when `message` starts a new run (another sender, or more than 5 minutes after the previous one). */
export function startsRun(message: LocalMessage, previous: LocalMessage | undefined): boolean {
  return !previous || previous.senderId !== message.senderId || message.time - previous.time > 5 * 60_000;
}
