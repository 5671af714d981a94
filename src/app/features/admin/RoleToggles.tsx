import { useId } from 'preact/hooks';
import { StaffRole } from '../../../shared/oncall.ts';
import { tOncall as t } from './oncall-i18n.ts';

/** Toggles for the roles that may hold a function (buttons: each a finger's size). */
export function RoleToggles({ roles, onChange }: { roles: readonly StaffRole[]; onChange(roles: StaffRole[]): void }) {
  const labelId = useId();
  return (
    <div class="oncall-roles" role="group" aria-labelledby={labelId}>
      <span id={labelId} class="oncall-roles__label">
        {t('oncall.roles')}
      </span>
      {StaffRole.options.map((role) => {
        const on = roles.includes(role);
        return (
          <button
            key={role}
            type="button"
            class="chip"
            aria-pressed={on}
            data-testid={`oncall-role-${role}`}
            onClick={() => onChange(on ? roles.filter((r) => r !== role) : [...roles, role])}
          >
            {t(`oncall.role.${role}`)}
          </button>
        );
      })}
    </div>
  );
}
