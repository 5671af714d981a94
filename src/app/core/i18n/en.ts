import type { MessageKey } from './fr.ts';

/** English catalogue: exactly the keys of `fr.ts` (the type and a unit test both check it). */
export const en: Record<MessageKey, string> = {
  'app.name': 'Relais',
  'app.loading': 'Loading…',
  'app.swMissing': 'This browser cannot run Relais offline (service worker unavailable).',
  'app.retry': 'Try again',
  'app.skipToContent': 'Skip to content',

  'lang.switchTo': 'Français',
  'lang.switchToLabel': 'Switch the interface to French',

  'login.title': 'Sign in to Relais',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.expired': 'Your session has expired. Sign in again: your pending messages will be sent afterwards.',

  'header.logout': 'Sign out',
  'logout.confirmPending.one': 'One message has not been sent yet. Signing out will delete it from this device. Continue?',
  'logout.confirmPending.other':
    'Some messages have not been sent yet ({count}). Signing out will delete them from this device. Continue?',

  'header.settings': 'Settings',

  'messaging.label': 'Messaging',
  'messaging.labelUnread.one': 'Messaging, {count} unread message',
  'messaging.labelUnread.other': 'Messaging, {count} unread messages',

  'list.title': 'Conversations',
  'list.empty': 'No conversations yet.',
  'list.new': 'New conversation',
  'list.noMessage': 'No messages yet',
  'list.unread.one': '{count} unread message',
  'list.unread.other': '{count} unread messages',
  'list.you': 'You: {body}',
  'list.untitled': 'Conversation',

  'chat.urgent': 'Urgent',

  'presence.online': 'Online',
  'presence.away': 'Away',
  'presence.offline': 'Offline',
  'presence.seen': 'Offline · last seen {time}',


  'banner.offline': 'Offline — your messages will be sent as soon as the network is back',
  'banner.pending.one': '{count} pending message',
  'banner.pending.other': '{count} pending messages',
  'banner.reconnecting': 'Reconnecting…',

  'update.available': 'New version available',
  'update.accept': 'Update',


  'error.bad_request': 'The request is invalid.',
  'error.invalid_json': 'The request is malformed.',
  'error.payload_too_large': 'The content is too large.',
  'error.unsupported_media_type': 'This type of content is not supported.',
  'error.not_found': 'Not found.',
  'error.method_not_allowed': 'This action is not allowed.',
  'error.unauthenticated': 'Your session has expired. Please sign in again.',
  'error.invalid_credentials': 'Incorrect username or password',
  'error.rate_limited': 'Too many attempts. Wait a few minutes before trying again.',
  'error.origin_forbidden': 'Request refused for security reasons.',
  'error.host_forbidden': 'This server address is not allowed.',
  'error.conversation_not_found': 'This conversation does not exist or is not available to you.',
  'error.user_not_found': 'User not found.',
  'error.participants_invalid': 'The chosen participants are not valid.',
  'error.message_too_long': 'The message is too long (8000 characters at most).',
  'error.mutation_id_mismatch': 'Inconsistent message identifier.',
  'error.unknown_mutation': 'The server does not know this action.',
  'error.seq_out_of_range': 'Invalid read position.',
  'error.forbidden': 'Only the conversation’s creator or an administrator can do this.',
  'error.role_forbidden': 'Your role does not allow this.',
  'error.not_a_group': 'This is only possible in a group conversation.',
  'error.file_too_large': 'The file is too large (15 MB at most).',
  'error.file_type_refused': 'Only images and PDF files can be sent.',
  'error.quota_exceeded': 'Your storage space for files on the server is full: files go when their conversation is deleted.',
  'error.attachment_not_found': 'This file cannot be found or is not available to you.',
  'error.call_not_found': 'This call is over or cannot be found.',
  'error.message_id_taken': 'This message could not be sent: its id is already taken in this conversation.',
  'error.reply_not_found': 'The quoted message is no longer in this conversation: send your reply without the quote.',
  'error.unavailable': 'The service is temporarily unavailable. Retrying automatically.',
  'error.internal': 'An unexpected error occurred.',
  'error.offline': 'You are offline. Check the network connection.',
  'error.no_session': 'You are not signed in.',
  'error.sw_unavailable': 'Relais’s offline engine did not start. Reload the page.',
  'error.timeout': 'The operation took too long. Try again.',
  'error.storage_error': 'The device’s local storage failed.',
  'error.storage_full': 'The device’s storage is full. Relais removed old messages that the server keeps; try again. Your pending messages are kept.',
  'error.unknown_op': 'Unknown operation. Reload the page.',
  'error.locked': 'This device is locked. Enter your password to continue.',
  'error.push_unavailable': 'Push notifications are unavailable in this browser.',
  'error.permission_denied': 'Notifications are denied for this site.',
  'notifications.open': 'Notifications',
};
