/**
 * French catalogue (default language). Keys are shared with `en.ts`; a unit test checks parity.
 * `{name}` placeholders are filled by `t()`. Plural forms use the `.one` / `.other` suffixes.
 */
export const fr = {
  'app.name': 'Relais',
  'app.loading': 'Chargement…',
  'app.swMissing': 'Ce navigateur ne permet pas à Relais de fonctionner hors ligne (service worker indisponible).',
  'app.retry': 'Réessayer',
  'app.skipToContent': 'Aller au contenu',

  'lang.switchTo': 'English',
  'lang.switchToLabel': 'Passer l’interface en anglais',

  'login.title': 'Connexion à Relais',
  'login.username': 'Identifiant',
  'login.password': 'Mot de passe',
  'login.submit': 'Se connecter',
  'login.submitting': 'Connexion…',
  'login.expired': 'Votre session a expiré. Reconnectez-vous : vos messages en attente partiront ensuite.',

  'header.logout': 'Se déconnecter',
  'logout.confirmPending.one': 'Un message n’est pas encore parti. Se déconnecter le supprimera de cet appareil. Continuer ?',
  'logout.confirmPending.other':
    'Des messages ne sont pas encore partis ({count}). Se déconnecter les supprimera de cet appareil. Continuer ?',

  'header.settings': 'Réglages',

  'messaging.label': 'Messagerie',
  'messaging.labelUnread.one': 'Messagerie, {count} message non lu',
  'messaging.labelUnread.other': 'Messagerie, {count} messages non lus',

  'list.title': 'Conversations',
  'list.empty': 'Aucune conversation pour l’instant.',
  'list.new': 'Nouvelle conversation',
  'list.noMessage': 'Pas encore de message',
  'list.unread.one': '{count} message non lu',
  'list.unread.other': '{count} messages non lus',
  'list.you': 'Vous : {body}',
  'list.untitled': 'Conversation',

  'chat.urgent': 'Urgent',
  'chat.patientMarker': 'patient·e',

  'presence.online': 'En ligne',
  'presence.away': 'Absent·e',
  'presence.offline': 'Hors ligne',
  'presence.seen': 'Hors ligne · vu à {time}',


  'banner.offline': 'Hors ligne — vos messages partiront dès le retour du réseau',
  'banner.pending.one': '{count} message en attente',
  'banner.pending.other': '{count} messages en attente',
  'banner.reconnecting': 'Reconnexion…',

  'update.available': 'Nouvelle version disponible',
  'update.accept': 'Mettre à jour',


  'error.bad_request': 'La demande est invalide.',
  'error.invalid_json': 'La demande est mal formée.',
  'error.payload_too_large': 'Le contenu est trop volumineux.',
  'error.unsupported_media_type': 'Ce type de contenu n’est pas pris en charge.',
  'error.not_found': 'Élément introuvable.',
  'error.method_not_allowed': 'Cette action n’est pas autorisée.',
  'error.unauthenticated': 'Votre session a expiré. Reconnectez-vous.',
  'error.invalid_credentials': 'Identifiant ou mot de passe incorrect',
  'error.account_disabled': 'Ce compte a été désactivé. Adressez-vous à l’administrateur de la clinique.',
  'error.rate_limited': 'Trop de tentatives. Patientez quelques minutes avant de réessayer.',
  'error.origin_forbidden': 'Requête refusée pour des raisons de sécurité.',
  'error.host_forbidden': 'Adresse du serveur non autorisée.',
  'error.conversation_not_found': 'Cette conversation n’existe pas ou ne vous est pas accessible.',
  'error.user_not_found': 'Utilisateur introuvable.',
  'error.username_taken': 'Cet identifiant est déjà pris.',
  'error.participants_invalid': 'Les participants choisis ne sont pas valides.',
  'error.message_too_long': 'Le message est trop long (8000 caractères au plus).',
  'error.mutation_id_mismatch': 'Identifiant de message incohérent.',
  'error.unknown_mutation': 'Action inconnue du serveur.',
  'error.seq_out_of_range': 'Position de lecture invalide.',
  'error.forbidden': 'Seul le créateur de la conversation ou un administrateur peut faire cela.',
  'error.role_forbidden': 'Votre rôle ne permet pas cette action.',
  'error.not_a_group': 'Cette action n’est possible que dans une conversation de groupe.',
  'error.file_too_large': 'Le fichier est trop volumineux (15 Mo au plus).',
  'error.file_type_refused': 'Seules les images et les PDF peuvent être envoyés.',
  'error.quota_exceeded': 'Votre espace de stockage des fichiers sur le serveur est plein : les fichiers partent avec leur conversation supprimée.',
  'error.attachment_not_found': 'Ce fichier est introuvable ou ne vous est pas accessible.',
  'error.call_not_found': 'Cet appel est terminé ou introuvable.',
  'error.message_id_taken': 'Ce message n’a pas pu être envoyé : son identifiant est déjà pris dans cette conversation.',
  'error.reply_not_found': 'Le message cité n’existe plus dans cette conversation : envoyez votre réponse sans citation.',
  'error.care_team_invalid': 'Une équipe de soins s’attribue à un·e patient·e et ne compte que du personnel soignant.',
  'error.unavailable': 'Le service est momentanément indisponible. Nouvel essai automatique.',
  'error.internal': 'Une erreur inattendue est survenue.',
  'error.offline': 'Vous êtes hors ligne. Vérifiez la connexion réseau.',
  'error.no_session': 'Vous n’êtes pas connecté.',
  'error.sw_unavailable': 'Le moteur hors ligne de Relais n’a pas démarré. Rechargez la page.',
  'error.timeout': 'L’opération a pris trop de temps. Réessayez.',
  'error.storage_error': 'Le stockage local de l’appareil a échoué.',
  'error.storage_full': 'La mémoire de l’appareil est pleine. Relais a supprimé d’anciens messages déjà conservés sur le serveur ; réessayez. Vos messages en attente sont conservés.',
  'error.unknown_op': 'Opération inconnue. Rechargez la page.',
  'error.locked': 'L’appareil est verrouillé. Saisissez votre mot de passe pour continuer.',
  'error.push_unavailable': 'Notifications push indisponibles sur ce navigateur.',
  'error.permission_denied': 'Notifications refusées pour ce site.',
  'notifications.open': 'Notifications',
} as const;

export type MessageKey = keyof typeof fr;
