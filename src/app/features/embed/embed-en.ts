import type { EmbedMessageKey } from './embed-fr.ts';

export const embedEn: Record<EmbedMessageKey, string> = {
  'embed.close': 'Close messaging',
  'embed.offerTitle': 'No conversation about {name}',
  'embed.offerText': "Start one with “New conversation”, giving the patient's INS: it will open here, with the patient in its header.",
  'embed.offerDismiss': 'Dismiss',
};
