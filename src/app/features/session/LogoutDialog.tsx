import { tError } from '../../core/i18n/index.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { tLogout as t } from './logout-i18n.ts';
import { logoutPrompt, signOut, type LogoutPrompt } from './logout.ts';

/** The sign-out dialog (loaded on demand): confirm despite messages waiting to leave, or why it failed. */
export function LogoutDialog({ prompt }: { prompt: LogoutPrompt }) {
  const close = (): void => {
    logoutPrompt.value = null;
  };
  if (prompt.kind === 'failed') {
    return (
      <ConfirmDialog
        title={t('logout.failedTitle')}
        message={tError(prompt.error)}
        cancelLabel={t('logout.close')}
        opener={prompt.opener}
        onClose={close}
        testId="logout-failed"
      />
    );
  }
  return (
    <ConfirmDialog
      title={t(prompt.switchUser ? 'logout.switchTitle' : 'logout.title')}
      message={prompt.pending > 0 ? t.count('logout.confirmPending', prompt.pending) : t('logout.confirmChanges')}
      confirmLabel={t(prompt.switchUser ? 'logout.switchConfirm' : 'logout.confirm')}
      cancelLabel={t('logout.cancel')}
      danger
      opener={prompt.opener}
      errorText={tError}
      onConfirm={() => signOut(prompt.switchUser)}
      onClose={close}
      testId="logout-confirm"
    />
  );
}
