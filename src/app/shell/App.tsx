import { swUnavailable } from '../core/register-sw.ts';
import { t, tError } from '../core/i18n/index.ts';
import { route } from '../core/route.ts';
import { lockWarning, settingsOpen } from '../features/device/device.ts';
import { session, sessionError } from '../core/session.ts';
import { notificationCenterOpen } from '../features/notifications/notifications.ts';
import { statusDialogOpen } from '../features/presence/availability.ts';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { ConversationList } from '../features/conversations/ConversationList.tsx';
import { Header } from './Header.tsx';
import { LoginScreen } from '../features/session/LoginScreen.tsx';
import { UpdatePrompt } from './UpdatePrompt.tsx';
import { LangSwitch } from '../ui/LangSwitch.tsx';
import { LogoutButton } from '../features/session/LogoutButton.tsx';
import { logoutPrompt } from '../features/session/logout.ts';
import { lazyComponent } from '../ui/lazy-component.ts';
import { firstScreen, firstScreenRendered } from '../core/first-screen.ts';
import { useEffect } from 'preact/hooks';

// Screens most sessions never see are loaded on demand, outside the 30 KB app shell.
// The open conversation (messages, composer, attachments, group tools) is its own chunk too: the
// shell shows the list at once and fetches it when a conversation opens (then the SW caches it).
// Both wait for the first screen (core/first-screen.ts) unless a conversation is open from the start.
const ChatWindow = lazyComponent(() => import('../features/chat/ChatWindow.tsx').then((m) => m.ChatWindow), {
  after: () => (route.peek().name === 'conversation' ? undefined : firstScreen),
});
const LockScreen = lazyComponent(() => import('../features/device/LockScreen.tsx').then((m) => m.LockScreen));
const LockWarning = lazyComponent(() => import('../features/device/LockScreen.tsx').then((m) => m.LockWarning));
const SettingsPanel = lazyComponent(() => import('../features/device/SettingsPanel.tsx').then((m) => m.SettingsPanel));
const NotificationCenter = lazyComponent(() => import('../features/notifications/NotificationCenter.tsx').then((m) => m.NotificationCenter));
// The admin console: only admins load it (the server refuses its APIs to anyone else).
const AdminConsole = lazyComponent(() => import('../features/admin/AdminConsole.tsx').then((m) => m.AdminConsole));
const StatusDialog = lazyComponent(() => import('../features/presence/StatusDialog.tsx').then((m) => m.StatusDialog));
const NotificationPrompt = lazyComponent(() => import('../features/notifications/NotificationPrompt.tsx').then((m) => m.NotificationPrompt), {
  after: () => firstScreen,
});
// The sign-out confirmation (messages still waiting) and its failure: rare, so on demand.
const LogoutDialog = lazyComponent(() => import('../features/session/LogoutDialog.tsx').then((m) => m.LogoutDialog));

function StartError({ code }: { code: string }) {
  return (
    <main class="center-screen" id="main">
      <p role="alert">{code === 'sw_unavailable' ? t('app.swMissing') : tError(code)}</p>
      <button type="button" class="button" onClick={() => location.reload()}>
        {t('app.retry')}
      </button>
    </main>
  );
}

function Screen() {
  const current = session.value;
  const startError = swUnavailable.value ? 'sw_unavailable' : sessionError.value;
  // Any screen but the conversation list is the first screen once shown (the list says so itself).
  const notTheList = startError !== null || (current !== null && (!current.user || current.expired || current.locked === true || current.user.role === 'admin'));
  useEffect(() => {
    if (notTheList) firstScreenRendered();
  }, [notTheList]);
  if (!current) {
    if (startError) return <StartError code={startError} />;
    return (
      <main class="center-screen" id="main" aria-busy="true">
        <p>{t('app.loading')}</p>
      </main>
    );
  }
  if (!current.user || current.expired) {
    // Keyed on the wipe: a wiped user's name is not left in the form for the next person.
    return <LoginScreen key={current.wiped ?? ''} expired={current.expired} wiped={current.wiped} username={current.user?.username ?? ''} />;
  }
  // Locked: nothing of the user's conversations is rendered, only the password screen.
  if (current.locked) return <LockScreen />;
  // An admin is an operator with no clinical screens: the console (`/admin`) is their app.
  if (current.user.role === 'admin') {
    return (
      <AdminConsole
        headerActions={
          <>
            <LangSwitch />
            <LogoutButton />
          </>
        }
      />
    );
  }
  const conversationOpen = route.value.name === 'conversation';
  return (
    <div class="shell">
      <Header />
      {lockWarning.value && <LockWarning />}
      {settingsOpen.value && <SettingsPanel />}
      {notificationCenterOpen.value && <NotificationCenter />}
      {statusDialogOpen.value && <StatusDialog />}
      <NotificationPrompt />
      <ConnectionBanner />
      <main id="main" class={conversationOpen ? 'layout layout--chat' : 'layout layout--list'}>
        <ConversationList />
        <ChatWindow />
      </main>
    </div>
  );
}

/**
 * The whole UI: loading, sign-in, then the conversation list and the open conversation — side by
 * side from 900 px wide (clinic tablets), one at a time below (CSS decides from `layout--*`).
 */
export function App() {
  return (
    <>
      <a class="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <UpdatePrompt />
      <Screen />
      {logoutPrompt.value && <LogoutDialog prompt={logoutPrompt.value} />}
    </>
  );
}
