import type { Change, Message } from '../../src/shared/model.ts';
import { applyChanges, applyTables } from '../../src/sw/sync/apply-changes.ts';
import { RelaisDb } from '../../src/sw/store/db.ts';
import { searchLocal } from '../../src/sw/store/search.ts';

/*
 * Bundled for the page (esbuild) by bench/client/run-client.ts: the service worker's real store
 * modules, timed in Chromium with performance.now(). Runs in a page, not the worker, so the CPU
 * throttle of the DevTools protocol applies the same way to Relais's store and to the raw loop.
 */

const CONVERSATION = '0190a000-0000-7000-8000-000000000001';
const USER = '0190a000-0000-7000-8000-0000000000aa';

function messages(from: number, count: number, conversationId = CONVERSATION): Message[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = from + i;
    return {
      conversationId,
      messageId: `0190a000-0000-7000-8000-${seq.toString(16).padStart(12, '0')}`,
      senderId: USER,
      body: `Compte rendu ${seq} : patient vu en consultation, tension ${100 + (seq % 60)}/${60 + (seq % 30)}`,
      urgent: false,
      seq,
      serverTime: 1_790_000_000_000 + seq,
    };
  });
}

const changes = (from: number, count: number): Change[] => messages(from, count).map((message) => ({ type: 'message', message }));

const conversationChange = (id: string): Change =>
  ({
    type: 'conversation',
    conversation: {
      id,
      kind: 'group',
      title: 'Service de cardiologie',
      participants: [{ id: USER, displayName: 'Dr Anne Martin', role: 'doctor' }],
      createdBy: USER,
      createdAt: 1_790_000_000_000,
      patient: null,
    },
  }) as Change;

/** Ingests `count` messages into a fresh Relais store, in pages of 500 as the pull applies them. */
async function ingest(count: number, name: string): Promise<{ ms: number; db: RelaisDb }> {
  const db = new RelaisDb(name);
  await db.open();
  await db.transaction('rw', applyTables(db), () => applyChanges(db, [conversationChange(CONVERSATION)], { detectGaps: false }));
  const t0 = performance.now();
  for (let from = 1; from <= count; from += 500) {
    const page = changes(from, Math.min(500, count - from + 1));
    await db.transaction('rw', applyTables(db), () => applyChanges(db, page, { detectGaps: false }));
  }
  return { ms: performance.now() - t0, db };
}

/** The ceiling: the same records put by a raw IndexedDB loop in ONE transaction, two indexes. */
async function rawPut(count: number): Promise<number> {
  const db = await new Promise<IDBDatabase>((done, fail) => {
    const open = indexedDB.open(`raw-${Math.random()}`, 1);
    open.onupgradeneeded = () => {
      const store = open.result.createObjectStore('messages', { keyPath: ['conversationId', 'seq'] });
      store.createIndex('messageId', 'messageId', { unique: true });
      store.createIndex('time', ['conversationId', 'time']);
    };
    open.onsuccess = () => done(open.result);
    open.onerror = () => fail(open.error);
  });
  // The row the store keeps (apply-changes.ts toLocal): the message with `time` for `serverTime`.
  const rows = messages(1, count).map(({ serverTime, ...message }) => ({ ...message, time: serverTime, status: 'sent' }));
  const t0 = performance.now();
  await new Promise<void>((done, fail) => {
    const tx = db.transaction('messages', 'readwrite');
    const store = tx.objectStore('messages');
    for (const row of rows) store.put(row);
    tx.oncomplete = () => done();
    tx.onerror = () => fail(tx.error);
  });
  const ms = performance.now() - t0;
  db.close();
  return ms;
}

/**
 * Local search over `count` stored messages: the store is filled through the apply path, in pages
 * of 500 as the pull applies them (which also builds the search index), then one query is timed.
 */
async function search(count: number): Promise<{ searchMs: number; hits: number }> {
  const { db } = await ingest(count, `search-${Math.random()}`);
  const t0 = performance.now();
  const hits = await searchLocal(db, 'tension 142');
  const searchMs = performance.now() - t0;
  db.close();
  return { searchMs, hits: hits.length };
}

Object.assign(globalThis, {
  relaisBench: {
    ingest: async (count: number) => {
      const { ms, db } = await ingest(count, `ingest-${Math.random()}`);
      db.close();
      return ms;
    },
    rawPut,
    search,
  },
});
