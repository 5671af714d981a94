import type { EmbedMessageKey } from './embed-fr.ts';

export const embedEn: Record<EmbedMessageKey, string> = {
  'embed.close': 'Close messaging',
  'embed.offerTitle': 'No conversation about {name}',
  'embed.offerText': 'Start it with the patient’s care team: it will open here, with the patient in its header. With no care team assigned, you pick the colleagues.',
  'embed.offerStart': 'Start a conversation about {name}',
  'embed.offerStarting': 'Starting the conversation…',
  'embed.offerOffline': 'Offline: starting a conversation needs the network, as the patient’s care team is looked up online. The button comes back with the connection.',
  'embed.offerDismiss': 'Dismiss',
};
