/**
 * Sentences of the availability-status picker, in French, loaded with it (the five state labels,
 * which the app shell shows in the conversation list, are in the shell's catalogue: `status.*` in
 * core/i18n/fr.ts). Same keys in `status-en.ts` (a unit test checks parity).
 */
export const statusFr = {
  'status.title': 'Mon statut de disponibilité',
  'status.hint': 'Visible par vos collègues et par les patient·e·s de votre équipe de soins.',
  'status.message': 'Message (facultatif)',
  'status.messagePlaceholder': 'Au bloc jusqu’à 15 h',
  'status.duration': 'Fin du statut',
  'status.forever': 'Jusqu’à ce que je le change',
  'status.for30': 'Dans 30 minutes',
  'status.for60': 'Dans 1 heure',
  'status.for120': 'Dans 2 heures',
  'status.for240': 'Dans 4 heures',
  'status.for480': 'Dans 8 heures',
  'status.for1440': 'Dans 24 heures',
  'status.save': 'Enregistrer',
  'status.clear': 'Effacer mon statut',
  'status.cancel': 'Fermer',
  'status.saved': 'Statut enregistré.',
  'status.cleared': 'Statut effacé.',
} as const;

export type StatusMessageKey = keyof typeof statusFr;
