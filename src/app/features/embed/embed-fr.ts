/** The embedded mode's sentences (the side panel inside a clinic page). */
export const embedFr = {
  'embed.close': 'Fermer la messagerie',
  'embed.offerTitle': 'Aucune conversation à propos de {name}',
  'embed.offerText': "Démarrez-en une avec « Nouvelle conversation » en renseignant son INS : elle s'ouvrira ici, le patient dans son en-tête.",
  'embed.offerDismiss': 'Fermer',
};
export type EmbedMessageKey = keyof typeof embedFr;
