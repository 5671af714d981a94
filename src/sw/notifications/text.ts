/**
 * The few sentences the service worker writes itself (native notifications, queue titles), in the
 * user's language. The app's catalogues stay out of the SW bundle (its size budget); a unit test
 * keeps these two in step, like the app's.
 */
export const NOTIFICATION_TEXT = {
  fr: {
    message: 'Nouveau message de {name}',
    urgent: 'Message urgent de {name}',
    reminder: 'Rappel : message urgent non lu de {name}',
    call: 'Appel de {name}',
    forFunction: 'Appel pour {name}',
    missedCall: 'Appel manqué de {name}',
    open: 'Ouvrir',
    reply: 'Répondre',
    accept: 'Accepter',
    decline: 'Refuser',
    someone: 'un membre de l’équipe',
  },
  en: {
    message: 'New message from {name}',
    urgent: 'Urgent message from {name}',
    reminder: 'Reminder: unread urgent message from {name}',
    call: 'Call from {name}',
    forFunction: 'Call for {name}',
    missedCall: 'Missed call from {name}',
    open: 'Open',
    reply: 'Reply',
    accept: 'Accept',
    decline: 'Decline',
    someone: 'a team member',
  },
} as const;

export type NotificationLang = keyof typeof NOTIFICATION_TEXT;
export type NotificationTextKey = keyof (typeof NOTIFICATION_TEXT)['fr'];

/** One sentence, with `{name}` filled in. */
export function notificationText(lang: NotificationLang, key: NotificationTextKey, name = ''): string {
  const text: string = NOTIFICATION_TEXT[lang][key];
  return text.replace('{name}', name === '' ? NOTIFICATION_TEXT[lang].someone : name);
}
