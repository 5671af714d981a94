import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Change, Conversation } from '../../../../src/shared/model.ts';
import { RelaisDb } from '../../../../src/sw/store/db.ts';
import { fold } from '../../../../src/sw/store/search-index.ts';
import { findFolded, searchLocal, snippetOf } from '../../../../src/sw/store/search.ts';
import { freshIdb } from '../kit/device.ts';
import { applyFor, conversationOf, messagesFrom, userNamed } from '../kit/model.ts';

const anne = userNamed('anne', 'Anne Martin');
const therese = userNamed('therese', 'Thérèse Durand', 'nurse');
const conversation = (fields: Partial<Conversation> = {}): Conversation => conversationOf([anne, therese], fields);
const serverMessage = messagesFrom(therese);
const apply = (db: RelaisDb, changes: Change[]) => applyFor(db, anne.id, changes);

describe('search folding', () => {
  it('matches French words whatever their accents and case', () => {
    expect(fold('Échographie')).toBe('echographie');
    expect(findFolded('Résultat de l’Échographie', fold('echo'))).toEqual({ start: 14, end: 18 });
    expect(findFolded('Mme Thérèse', fold('THERESE'))).toEqual({ start: 4, end: 11 });
    expect(findFolded('Radio', fold('echo'))).toBeNull();
  });

  it('cuts a snippet around the match and says where the match is in it', () => {
    const text = `${'a'.repeat(60)} Échographie ${'b'.repeat(60)}`;
    const match = findFolded(text, 'echo')!;
    const snippet = snippetOf(text, match);
    expect(snippet.snippet.startsWith('…')).toBe(true);
    expect(snippet.snippet.slice(snippet.matchStart, snippet.matchStart + snippet.matchLength)).toBe('Écho');
  });
});

describe('searchLocal()', () => {
  it('finds accented message text and participant names offline, newest message first', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const c = conversation();
    await apply(db, [
      { type: 'conversation', conversation: c },
      { type: 'message', message: serverMessage(c.id, 1, { body: 'Échographie demain' }) },
      { type: 'message', message: serverMessage(c.id, 2, { body: 'Compte rendu d’échographie prêt' }) },
      { type: 'message', message: serverMessage(c.id, 3, { body: 'Radio du thorax' }) },
    ]);
    const hits = await searchLocal(db, 'echo');
    expect(hits.map((h) => h.snippet)).toEqual(['Compte rendu d’échographie prêt', 'Échographie demain']);
    expect(hits[0]).toMatchObject({ conversationId: c.id, seq: 2, field: 'body', matchStart: 15, matchLength: 4 });
    const names = await searchLocal(db, 'therese');
    expect(names[0]).toMatchObject({ field: 'title', messageId: null, snippet: 'Thérèse Durand' });
  });
});

describe('searchLocal() beside calls’ lines', () => {
  it('stores and skips system lines (calls, group changes): the messages around them are still found', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const c = conversation();
    await apply(db, [
      { type: 'conversation', conversation: c },
      { type: 'message', message: serverMessage(c.id, 1, { body: 'Je vous appelle pour le bilan' }) },
      {
        type: 'message',
        message: serverMessage(c.id, 2, {
          body: '',
          kind: 'system',
          system: { type: 'call.ended', callId: c.id, callerId: therese.id, calleeId: anne.id, outcome: 'completed', video: true, durationSeconds: 252 },
        }),
      },
      { type: 'message', message: serverMessage(c.id, 3, { body: '', kind: 'system', system: { type: 'call.missed', callId: c.id } }) },
      { type: 'message', message: serverMessage(c.id, 4, { body: 'Appel du bilan reçu' }) },
    ]);
    expect(await db.messages.count()).toBe(4);
    const hits = await searchLocal(db, 'appel');
    expect(hits.map((h) => [h.seq, h.snippet])).toEqual([
      [4, 'Appel du bilan reçu'],
      [1, 'Je vous appelle pour le bilan'],
    ]);
  });
});
