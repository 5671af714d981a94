/** The embedded mode's sentences (the side panel inside a clinic page). */
export const embedFr = {
  'embed.close': 'Fermer la messagerie',
  'embed.offerTitle': 'Aucune conversation à propos de {name}',
  'embed.offerText': 'Démarrez-la avec son équipe de soins : elle s’ouvrira ici, le patient dans son en-tête. Sans équipe de soins désignée, vous choisirez les collègues.',
  'embed.offerStart': 'Démarrer une conversation à propos de {name}',
  'embed.offerStarting': 'Démarrage de la conversation…',
  'embed.offerOffline': 'Hors connexion : démarrer une conversation demande le réseau, car l’équipe de soins du patient se consulte en ligne. Le bouton reviendra avec la connexion.',
  'embed.offerDismiss': 'Fermer',
};
export type EmbedMessageKey = keyof typeof embedFr;
