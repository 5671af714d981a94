import { PresenceReply, UsersReply } from '../../shared/http.ts';
import { signedIn, type Handlers } from './kit.ts';

/** Requests the server answers about colleagues: who is in the directory, who is online. */
export const directoryHandlers: Handlers<'users.search' | 'presence.get'> = {
  'users.search': async (ctx, args) => {
    signedIn(ctx);
    const { users } = await ctx.api.read('GET', `/api/users?q=${encodeURIComponent(args.q)}`, UsersReply);
    return { users };
  },

  'presence.get': async (ctx, args) => {
    signedIn(ctx);
    if (args.userIds.length === 0) return { presence: [] };
    return ctx.api.read('GET', `/api/presence?ids=${args.userIds.join(',')}`, PresenceReply);
  },
};
