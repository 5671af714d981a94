import type { AuditQuery } from '../../shared/http.ts';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { AUDIT_KEYS, fieldOf, type AuditEvent } from './audit-log.ts';

/** At most this many entries per export: a wider one is cut (`truncated`) and asks for narrower dates. */
export const AUDIT_EXPORT_MAX = 10_000;
const PAGE = 1_000;

export type ExportedEntry = AuditEvent & { id: string; at: number };

/** The entries matching the filters, oldest first (time bounds by stream id, so by when they were written). */
export async function searchAudit(redis: Redis, query: AuditQuery): Promise<{ entries: ExportedEntry[]; truncated: boolean }> {
  const entries: ExportedEntry[] = [];
  let start = query.since ?? '-';
  const end = query.until ?? '+';
  for (;;) {
    const page = await redis.xrange(AUDIT_KEYS.log, start, end, 'COUNT', PAGE);
    for (const [id, fields] of page) {
      const entry = { id, ...(JSON.parse(fieldOf(fields, 'body') ?? '{}') as Omit<ExportedEntry, 'id'>) };
      if (query.actor !== undefined && entry.actor !== query.actor) continue;
      if (query.action !== undefined && entry.action !== query.action) continue;
      if (query.target !== undefined && entry.target !== query.target && entry.conversationId !== query.target) continue;
      if (entries.length === AUDIT_EXPORT_MAX) return { entries, truncated: true };
      entries.push(entry);
    }
    if (page.length < PAGE) return { entries, truncated: false };
    start = `(${page[page.length - 1]?.[0] ?? '0-0'}`;
  }
}

const COLUMNS = ['id', 'at', 'action', 'actor', 'target', 'conversationId', 'patientId', 'ip', 'userIds', 'detail'] as const;

/** One CSV field (RFC 4180), with a leading formula character defused for spreadsheets. */
function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = Array.isArray(value) ? value.join(' ') : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The entries as CSV, a header line first; `at` as an ISO date. */
export function auditCsv(entries: readonly ExportedEntry[]): string {
  const lines = [COLUMNS.join(',')];
  for (const entry of entries) {
    const row = { ...entry, at: new Date(entry.at).toISOString() } as Record<string, unknown>;
    lines.push(COLUMNS.map((column) => csvField(row[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
