import type { Availability } from '../../../shared/model.ts';
import { formatMessageTime, lang, t } from '../../core/i18n/index.ts';

/** "En consultation", "De garde · jusqu’à 15:00", with the message after a colon: always words, never a colour alone. */
export function statusLabel(status: Availability, now: number = Date.now()): string {
  let text = t(`status.${status.state}`);
  if (status.until !== undefined) text += ` · ${t('status.until', { time: formatMessageTime(status.until, now, lang.value) })}`;
  return status.message ? `${text} — ${status.message}` : text;
}
/** "Cardiologue · Cardiologie": a person's job title and service, when an admin set them (else empty). */
export function profileLine(person: { jobTitle?: string; service?: string }): string {
  return [person.jobTitle, person.service].filter((part) => part !== undefined && part.trim() !== '').join(' · ');
}
