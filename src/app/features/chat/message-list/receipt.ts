import type { Participant } from '../../../../shared/model.ts';
import type { LocalMessage } from '../../../../shared/local-model.ts';
import { participantName } from '../../../ui/display.ts';

/** What the sender sees under a sent message: "Distribué", "Lu", or "Lu par 2/4" (names on tap). */
export interface Receipt {
  read: number;
  of: number;
  names: string[];
}

/** The read receipt of one of my messages: who of the others read up to it. */
export function receiptOf(message: LocalMessage, participants: Participant[], readBy: Record<string, number>, myId: string | null, deletedLabel: string): Receipt | null {
  if (message.seq === null) return null;
  const others = participants.filter((p) => p.id !== myId);
  const readers = others.filter((p) => (readBy[p.id] ?? 0) >= (message.seq as number));
  return { read: readers.length, of: others.length, names: readers.map((p) => participantName(p, deletedLabel)) };
}
