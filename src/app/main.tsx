import { render } from 'preact';
import { App } from './components/App.tsx';
import { lang } from './i18n/index.ts';
import { startCallListener } from './calls/call-listener.ts';
import { startRealtime } from './realtime.ts';
import { registerServiceWorker } from './register-sw.ts';
import { startConversations } from './state/conversations.ts';
import { startDevice } from './state/device.ts';
import { startNotifications } from './state/notifications.ts';
import { startMessages } from './state/messages.ts';
import { startRouter } from './state/route.ts';
import { noteIntent } from './state/intent.ts';
import { loadSession } from './state/session.ts';
import { startSync } from './state/sync.ts';
import './styles.css';

document.documentElement.lang = lang.value;
registerServiceWorker();
// Opened by a notification action ("Répondre", "Accepter"): keep what it asked for, show a clean address.
if (location.search) {
  noteIntent(location.pathname + location.search);
  history.replaceState(null, '', location.pathname);
}
startRouter();
startSync();
startConversations();
startMessages();
startRealtime();
startCallListener(() => import('./calls/call-controller.ts'));
startDevice();
startNotifications();
void loadSession();

const root = document.getElementById('app');
if (root) render(<App />, root);
