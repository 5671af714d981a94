import {
  type AccountChangeBody,
  ActivationReply,
  AdminAccountReply,
  AdminAccountsReply,
  AuditReply,
  ClinicSettingsReply,
  NewAccountReply,
  type ClinicSettings,
  type AdminAccount,
  type AuditReply as AuditResult,
  type AdminErrorCode,
  isAdminErrorCode,
} from '../../../shared/admin-http.ts';
import { errorCodeOf } from '../../../shared/api-client.ts';
import { RelaisError } from '../../../shared/errors.ts';
import { DevicesReply, type AuditQuery, type Device, type NewAccountBody } from '../../../shared/http.ts';
import type { User } from '../../../shared/model.ts';
import { api } from '../../core/http.ts';

/**
 * The admin console's calls to `/api/admin/` (straight from the page: the service worker keeps no
 * admin data). Each rejects with a RelaisError carrying the stable code.
 */

export async function listAccounts(): Promise<AdminAccount[]> {
  return (await api.read('GET', '/api/admin/users', AdminAccountsReply)).users;
}

export function createAccount(body: NewAccountBody): Promise<{ user: User; code: string; expiresAt: number }> {
  return api.read('POST', '/api/admin/users', NewAccountReply, body);
}

/** A refusal only the admins' routes give (`ADMIN_ERROR_CODES`): the console explains it itself. */
export class AdminRefusal extends Error {
  readonly code: AdminErrorCode;

  constructor(code: AdminErrorCode) {
    super(code);
    this.name = 'AdminRefusal';
    this.code = code;
  }
}

/** Rejects with an AdminRefusal (`ins_taken`) or a RelaisError. */
export async function changeAccount(id: string, change: AccountChangeBody): Promise<AdminAccount> {
  const response = await api.call('PATCH', `/api/admin/users/${id}`, change);
  if (response.status < 200 || response.status >= 300) {
    const code = (response.body as { error?: { code?: unknown } } | undefined)?.error?.code;
    throw isAdminErrorCode(code) ? new AdminRefusal(code) : new RelaisError(errorCodeOf(response));
  }
  const checked = AdminAccountReply.safeParse(response.body);
  if (!checked.success) throw new RelaisError('internal', 'unexpected answer shape');
  return checked.data.user;
}

export function resetPassword(id: string): Promise<ActivationReply> {
  return api.read('POST', `/api/admin/users/${id}/reset`, ActivationReply);
}

export function setDisabled(id: string, disabled: boolean): Promise<void> {
  return api.read('POST', `/api/admin/users/${id}/${disabled ? 'disable' : 'enable'}`, null);
}

export function deleteAccount(id: string): Promise<void> {
  return api.read('DELETE', `/api/admin/users/${id}`, null);
}

export async function devicesOf(id: string): Promise<Device[]> {
  return (await api.read('GET', `/api/admin/users/${id}/devices`, DevicesReply)).devices;
}

export function signOutDevice(deviceId: string): Promise<void> {
  return api.read('DELETE', `/api/admin/devices/${deviceId}`, null);
}

/** The query string of an audit search (empty filters left out); `format=csv` for the export link. */
export function auditQueryString(query: AuditQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function searchAudit(query: AuditQuery): Promise<AuditResult> {
  return api.read('GET', `/api/admin/audit${auditQueryString(query)}`, AuditReply);
}

export async function loadSettings(): Promise<ClinicSettings> {
  return (await api.read('GET', '/api/admin/settings', ClinicSettingsReply)).settings;
}

export async function saveSettings(settings: ClinicSettings): Promise<ClinicSettings> {
  return (await api.read('PUT', '/api/admin/settings', ClinicSettingsReply, settings)).settings;
}
