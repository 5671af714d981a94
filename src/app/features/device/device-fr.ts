/**
 * Sentences of the device screens (settings, lock), in French: loaded with those screens,
 * outside the app shell. Same keys in `device-fr.ts` and `device-en.ts` (a unit test checks parity).
 */
export const deviceFr = {
  'settings.title': 'Réglages de cet appareil',
  'settings.close': 'Fermer',
  'settings.storage': 'Stockage',
  'settings.storageUse': '{used} utilisés sur {quota} disponibles',
  'settings.storageUnknown': 'Ce navigateur n’indique pas l’espace utilisé.',
  'settings.persisted': 'Stockage protégé : le navigateur ne l’effacera pas de lui-même.',
  'settings.notPersisted': 'Stockage non protégé : le navigateur peut l’effacer s’il manque de place.',
  'settings.retention': 'Conservation sur cet appareil (jours)',
  'settings.retentionHint': 'Au-delà, les messages restent disponibles sur le serveur. Les messages non envoyés et les messages urgents non lus sont toujours gardés.',
  'settings.messagesDays': 'Messages',
  'settings.notificationsDays': 'Notifications',
  'settings.callsDays': 'Historique des appels',
  'settings.lockMinutes': 'Verrouillage après inactivité (minutes)',
  'settings.save': 'Enregistrer',
  'settings.saved': 'Réglages enregistrés.',
  'lock.title': 'Écran verrouillé',
  'lock.explain': '{name}, saisissez votre mot de passe pour reprendre.',
  'lock.password': 'Mot de passe',
  'lock.submit': 'Déverrouiller',
  'lock.warning': 'Sans activité, l’écran se verrouille dans {seconds} secondes.',
  'lock.wait': 'Mot de passe refusé plusieurs fois : sans réseau, prochain essai possible dans {seconds} s.',
  'lock.serverOnly': 'Trop d’essais sans réseau : reconnectez l’appareil au réseau, le serveur doit vérifier votre mot de passe.',
  'lock.extend': 'Rester connecté',
} as const;

export type DeviceMessageKey = keyof typeof deviceFr;
