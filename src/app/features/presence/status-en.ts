import type { StatusMessageKey } from './status-fr.ts';

/** Sentences of the availability-status picker, in English (same keys as `status-fr.ts`). */
export const statusEn: Record<StatusMessageKey, string> = {
  'status.title': 'My availability',
  'status.hint': 'Seen by your colleagues and by the patients whose care team you are in.',
  'status.message': 'Message (optional)',
  'status.messagePlaceholder': 'In theatre until 3 pm',
  'status.duration': 'Status ends',
  'status.forever': 'When I change it',
  'status.for30': 'In 30 minutes',
  'status.for60': 'In 1 hour',
  'status.for120': 'In 2 hours',
  'status.for240': 'In 4 hours',
  'status.for480': 'In 8 hours',
  'status.for1440': 'In 24 hours',
  'status.save': 'Save',
  'status.clear': 'Clear my status',
  'status.cancel': 'Close',
  'status.saved': 'Status saved.',
  'status.cleared': 'Status cleared.',
};
