/**
 * Sentences of the sign-out confirmation (messages still waiting to leave) and of a failed sign-out,
 * in French: loaded with that dialog, outside the app shell. Same keys in `logout-en.ts` (a unit test
 * checks parity).
 */
export const logoutFr = {
  'logout.title': 'Se déconnecter ?',
  'logout.switchTitle': 'Changer d’utilisateur ?',
  'logout.confirmPending.one': 'Un message n’est pas encore parti. Se déconnecter le supprimera de cet appareil.',
  'logout.confirmPending.other': 'Des messages ne sont pas encore partis ({count}). Se déconnecter les supprimera de cet appareil.',
  'logout.confirmChanges': 'Des modifications faites ici ne sont pas encore parties (lectures, conversations). Se déconnecter les supprimera de cet appareil.',
  'logout.confirm': 'Se déconnecter quand même',
  'logout.switchConfirm': 'Changer d’utilisateur quand même',
  'logout.cancel': 'Annuler',
  'logout.failedTitle': 'Déconnexion impossible',
  'logout.close': 'Fermer',
} as const;

export type LogoutMessageKey = keyof typeof logoutFr;
