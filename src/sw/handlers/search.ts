import { searchLocal } from '../store/search.ts';
import { signedIn, type Handlers } from './kit.ts';

/** Local, offline search over what this device holds (store/search.ts). */
export const searchHandlers: Handlers<'search'> = {
  search: async (ctx, args) => ({ hits: await searchLocal(signedIn(ctx).db, args.q) }),
};
