import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../core/i18n/index.ts';
import { AuditSection } from './AuditSection.tsx';
import { ClinicSettingsSection } from './ClinicSettingsSection.tsx';
import { tAdmin } from './admin-i18n.ts';
import { OncallSection } from './OncallSection.tsx';
import { tOncall } from './oncall-i18n.ts';
import { UsersSection } from './UsersSection.tsx';
import './admin.css';

type Section = 'users' | 'audit' | 'settings' | 'oncall';

/**
 * The admin console at `/admin` (its own chunk): accounts, the audit log, the clinic's settings, and
 * function roles with their on-call rota. An admin has no
 * clinical screens, so signing in as one lands here; the server refuses its APIs to anyone else.
 * `headerActions` are the shell's own buttons (language, sign-out), handed in rather than imported:
 * a chunk importing shell components makes the bundler split the shell into more, heavier files.
 */
export function AdminConsole({ headerActions }: { headerActions: ComponentChildren }) {
  const [section, setSection] = useState<Section>('users');
  useEffect(() => {
    if (location.pathname !== '/admin') history.replaceState(null, '', '/admin');
  }, []);
  const tab = (name: Section, label: string) => (
    <button type="button" class="admin-tabs__tab" aria-current={section === name ? 'page' : undefined} data-testid={`admin-tab-${name}`} onClick={() => setSection(name)}>
      {label}
    </button>
  );
  return (
    <div class="shell admin" data-testid="admin-console">
      <header class="app-header admin-header">
        <span class="app-title">
          {t('app.name')} <span class="admin-header__sub">· {tAdmin('admin.title')}</span>
        </span>
        <div class="app-header__actions">{headerActions}</div>
      </header>
      <nav class="admin-tabs" aria-label={tAdmin('admin.sections')}>
        {tab('users', tAdmin('admin.users'))}
        {tab('audit', tAdmin('admin.audit'))}
        {tab('settings', tAdmin('admin.settings'))}
        {tab('oncall', tOncall('oncall.tab'))}
      </nav>
      <main id="main" class="admin-main">
        {section === 'users' && <UsersSection />}
        {section === 'audit' && <AuditSection />}
        {section === 'settings' && <ClinicSettingsSection />}
        {section === 'oncall' && <OncallSection />}
      </main>
    </div>
  );
}
