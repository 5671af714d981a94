import { intFrom } from '../core/env.ts';
import type { PushWrapper } from './push.ts';
import { loadRetentionConfig, type RetentionConfig } from './retention.ts';
import { loadStorageConfig, type StorageConfig } from './storage-sweep.ts';

/** Messaging settings: where uploads go, how large they may be, how long messages and records are kept. */
export interface MessagingConfig {
  /** Where uploaded files are kept, content-addressed (RELAIS_BLOB_DIR, default ./var/blobs). */
  blobDir?: string;
  /** Largest accepted upload, bytes (RELAIS_UPLOAD_MAX_BYTES, default 15 MB). */
  uploadMaxBytes?: number;
  /** Each user's quota for the files they uploaded that are still kept, bytes (RELAIS_UPLOAD_QUOTA_MB × 2^20, default 500 MB). */
  uploadQuotaBytes?: number;
  /** Server-side retention of messages (RELAIS_RETENTION_DAYS, off by default). */
  retention?: RetentionConfig;
  /** Lifetimes of idempotency records and feed lengths (RELAIS_DEDUPE_DAYS, RELAIS_FEED_MAX_ENTRIES). */
  storage?: StorageConfig;
  /** Most messages one FHIR export carries (RELAIS_EXPORT_MAX_MESSAGES, default 10,000): a longer conversation answers `export_too_large`. */
  exportMaxMessages?: number;
  /** Runs around every push, over HTTP or the socket (no environment variable: the e2e tests steer pushes with it). */
  aroundPush?: PushWrapper;
  /** The clock a conversation to a function is addressed by: the on-call rota's (its tests pin it; default `Date.now`). */
  oncallNow?: () => number;
}

/** 10,000 messages make a Bundle of about 6 MB, built in memory: beyond, an export is refused rather than risk the gateway. */
export const DEFAULT_EXPORT_MAX_MESSAGES = 10_000;

export const DEFAULT_UPLOAD_QUOTA_MB = 500;
const MB = 1024 * 1024;

/** Reads the messaging settings from `env`. */
export function loadMessagingConfig(env: NodeJS.ProcessEnv = process.env): MessagingConfig {
  return {
    retention: loadRetentionConfig(env),
    storage: loadStorageConfig(env),
    blobDir: env.RELAIS_BLOB_DIR || './var/blobs',
    uploadMaxBytes: intFrom(env.RELAIS_UPLOAD_MAX_BYTES, 15 * 1024 * 1024, 'RELAIS_UPLOAD_MAX_BYTES'),
    uploadQuotaBytes: intFrom(env.RELAIS_UPLOAD_QUOTA_MB, DEFAULT_UPLOAD_QUOTA_MB, 'RELAIS_UPLOAD_QUOTA_MB') * MB,
    exportMaxMessages: intFrom(env.RELAIS_EXPORT_MAX_MESSAGES, DEFAULT_EXPORT_MAX_MESSAGES, 'RELAIS_EXPORT_MAX_MESSAGES'),
  };
}
