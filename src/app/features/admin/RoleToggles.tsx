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

interface FieldsProps {
  name: string;
  service: string;
  roles: readonly StaffRole[];
  onName(name: string): void;
  onService(service: string): void;
  onRoles(roles: StaffRole[]): void;
  /** An example of a name, shown in the empty field (creation). */
  nameHint?: string;
}

/** A function's name, service and eligible roles: the same fields to create one and to edit it. */
export function FunctionFields({ name, service, roles, onName, onService, onRoles, nameHint }: FieldsProps) {
  return (
    <>
      <div class="admin-form__grid">
        <label class="field">
          <span>{t('oncall.name')}</span>
          <input name="name" required maxLength={80} placeholder={nameHint} value={name} onInput={(e) => onName(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t('oncall.service')}</span>
          <input name="service" maxLength={80} value={service} onInput={(e) => onService(e.currentTarget.value)} />
        </label>
      </div>
      <RoleToggles roles={roles} onChange={onRoles} />
    </>
  );
}
