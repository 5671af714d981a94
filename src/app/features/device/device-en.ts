/**
 * Sentences of the device screens (settings, lock), in English: loaded with those screens,
 * outside the app shell. Same keys in `device-fr.ts` and `device-en.ts` (a unit test checks parity).
 */
export const deviceEn = {
  'settings.title': 'Settings of this device',
  'settings.close': 'Close',
  'settings.storage': 'Storage',
  'settings.storageUse': '{used} used of {quota} available',
  'settings.storageUnknown': 'This browser does not report the space used.',
  'settings.persisted': 'Storage protected: the browser will not clear it on its own.',
  'settings.notPersisted': 'Storage not protected: the browser may clear it when space runs low.',
  'settings.retention': 'Kept on this device (days)',
  'settings.retentionHint': 'Older messages stay available on the server. Unsent messages and unread urgent messages are always kept.',
  'settings.messagesDays': 'Messages',
  'settings.notificationsDays': 'Notifications',
  'settings.callsDays': 'Call history',
  'settings.lockMinutes': 'Lock after inactivity (minutes)',
  'settings.save': 'Save',
  'settings.saved': 'Settings saved.',
  'lock.title': 'Screen locked',
  'lock.explain': '{name}, enter your password to continue.',
  'lock.password': 'Password',
  'lock.submit': 'Unlock',
  'lock.warning': 'With no activity, the screen locks in {seconds} seconds.',
  'lock.wait': 'Password refused several times: without network, next attempt possible in {seconds} s.',
  'lock.serverOnly': 'Too many attempts without network: connect this device to the network, the server must check your password.',
  'lock.extend': 'Stay signed in',
} as const;
