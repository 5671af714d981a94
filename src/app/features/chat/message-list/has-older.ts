import type { LocalMessage } from '../../../../shared/local-model.ts';

/**
 * Whether "Messages précédents" has anything to show: older pages kept on this device, or a first
 * loaded message after seq 1 (the server holds what came before). A brand-new conversation, or one
 * loaded back to its first message, has nothing older.
 */
export function hasOlder(messages: readonly LocalMessage[], olderLocal: number): boolean {
  if (olderLocal > 0) return true;
  const oldest = messages.find((message) => message.seq !== null);
  return oldest !== undefined && (oldest.seq as number) > 1;
}
