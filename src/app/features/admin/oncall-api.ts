import {
  FunctionDetailReply,
  FunctionsReply,
  type FunctionChangeBody,
  type FunctionEntry,
  type LadderStep,
  type NewFunctionBody,
  type NewOverrideBody,
  type RotaSlot,
} from '../../../shared/oncall.ts';
import { api } from '../../core/http.ts';

/**
 * The console's calls to `/api/admin/functions…` (straight from the page, as the other admin
 * calls). Each rejects with a RelaisError carrying the stable code.
 */

export async function listFunctions(): Promise<FunctionEntry[]> {
  return (await api.read('GET', '/api/admin/functions', FunctionsReply)).functions;
}

export function createFunction(body: NewFunctionBody): Promise<FunctionDetailReply> {
  return api.read('POST', '/api/admin/functions', FunctionDetailReply, body);
}

export function functionDetail(id: string): Promise<FunctionDetailReply> {
  return api.read('GET', `/api/admin/functions/${id}`, FunctionDetailReply);
}

export function changeFunction(id: string, change: FunctionChangeBody): Promise<FunctionDetailReply> {
  return api.read('PATCH', `/api/admin/functions/${id}`, FunctionDetailReply, change);
}

export function deleteFunction(id: string): Promise<void> {
  return api.read('DELETE', `/api/admin/functions/${id}`, null);
}

export function savePattern(id: string, slots: RotaSlot[]): Promise<FunctionDetailReply> {
  return api.read('PUT', `/api/admin/functions/${id}/pattern`, FunctionDetailReply, { slots });
}

export function addOverride(id: string, body: NewOverrideBody): Promise<FunctionDetailReply> {
  return api.read('POST', `/api/admin/functions/${id}/overrides`, FunctionDetailReply, body);
}

export function removeOverride(id: string, overrideId: string): Promise<void> {
  return api.read('DELETE', `/api/admin/functions/${id}/overrides/${overrideId}`, null);
}

export function saveLadder(id: string, steps: LadderStep[]): Promise<FunctionDetailReply> {
  return api.read('PUT', `/api/admin/functions/${id}/ladder`, FunctionDetailReply, { steps });
}
