import type { Presence } from '../../../shared/model.ts';
import { formatMessageTime, lang, t } from '../../core/i18n/index.ts';

/** "En ligne", "Absent", "Hors ligne · vu à 14:32". */
export function presenceLabel(entry: Presence | undefined, now: number): string {
  if (!entry) return '';
  if (entry.state === 'online') return t('presence.online');
  if (entry.state === 'away') return t('presence.away');
  return entry.lastSeen ? t('presence.seen', { time: formatMessageTime(entry.lastSeen, now, lang.value) }) : t('presence.offline');
}
