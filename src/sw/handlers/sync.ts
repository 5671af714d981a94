import type { SyncState } from '../../shared/local-model.ts';
import { preferencesChanged } from '../notifications/preferences.ts';
import { signedIn, type Handlers } from './kit.ts';

/** Requests about syncing: run it now, its state, and the live frames a tab forwards from its WebSocket. */

const IDLE_STATE: SyncState = { online: true, flushing: false, pending: 0, changes: 0, lastSyncAt: null, lastErrorCode: null };

export const syncHandlers: Handlers<'sync.now' | 'sync.state' | 'live.frame'> = {
  'sync.now': async (ctx, args) => {
    const active = ctx.active;
    return active ? active.engine.sync(args?.reason) : IDLE_STATE;
  },

  'sync.state': async (ctx) => ctx.active?.engine.state() ?? IDLE_STATE,

  'live.frame': async (ctx, args) => {
    const { db, engine } = signedIn(ctx);
    if (args.frame.type === 'changes') await engine.applyLive(args.frame.changes);
    if (args.frame.type === 'preferences') await preferencesChanged(db, ctx.options.broadcast, args.frame.preferences);
    return {};
  },
};
