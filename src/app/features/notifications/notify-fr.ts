/**
 * Sentences of the notification screens (history, permission, preferences), in French: loaded with
 * those screens, outside the app shell. Same keys in `notify-fr.ts` and `notify-en.ts` (a unit test
 * checks parity).
 */
export const notifyFr = {
  'center.title': 'Notifications',
  'center.close': 'Fermer',
  'center.empty': 'Aucune notification.',
  'center.all': 'Toutes',
  'center.unread': 'Non lues',
  'center.messages': 'Messages',
  'center.calls': 'Appels',
  'center.markAllRead': 'Tout marquer comme lu',
  'center.markRead': 'Marquer comme lu',
  'center.delete': 'Supprimer',
  'center.urgent': 'Urgent',
  'center.preferences': 'Préférences de notification',
  'prompt.title': 'Recevoir les messages tablette fermée ?',
  'prompt.text': 'Relais peut vous prévenir d’un nouveau message ou d’un appel même quand l’application est fermée. Sur une tablette partagée, la notification dit qui écrit, jamais ce qui est écrit.',
  'prompt.enable': 'Activer les notifications',
  'prompt.enableShort': 'Activer',
  'prompt.enableMore': 'les notifications',
  'prompt.later': 'Plus tard',
  'state.granted': 'Notifications activées sur cet appareil.',
  'state.denied': 'Notifications bloquées par le navigateur. Pour les recevoir, autorisez-les dans les réglages du site (icône à gauche de l’adresse), puis rechargez.',
  'state.unavailable': 'Notifications push indisponibles sur ce navigateur : vous serez prévenu seulement quand Relais est ouvert.',
  'state.default': 'Notifications non activées sur cet appareil.',
  'state.unsupported': 'Ce navigateur ne permet pas les notifications.',
  'prefs.showPreview': 'Afficher le texte des messages dans les notifications',
  'prefs.showPreviewHint': 'Désactivé par défaut : sur une tablette partagée, seul le nom de l’expéditeur apparaît.',
  'prefs.sound': 'Sons (message, urgence, sonnerie)',
  'prefs.quietHours': 'Heures calmes',
  'prefs.quietFrom': 'De',
  'prefs.quietTo': 'à',
  'prefs.quietHint': 'Ni son ni notification pendant ces heures, sauf pour les messages urgents et les appels.',
  'prefs.muted': 'Conversations en sourdine',
  'prefs.mutedHint': 'Les messages urgents sonnent quand même.',
  'prefs.save': 'Enregistrer',
  'prefs.saved': 'Préférences enregistrées sur tous vos appareils.',
} as const;

export type NotifyMessageKey = keyof typeof notifyFr;
