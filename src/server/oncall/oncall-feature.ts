import type { GatewayFeature } from '../core/feature.ts';
import { functionAdminRoutes } from './function-admin-routes.ts';
import { functionRoutes } from './function-routes.ts';

/** What the on-call feature takes besides the core: the clock (tests pin it; default `Date.now`). */
export interface OncallOptions {
  now?: () => number;
}

/**
 * Function roles and the on-call rota: the admins' routes that define functions and who holds each
 * when, the staff's list of functions with their holders now, and the holder's handover.
 */
export function oncallFeature(options: OncallOptions = {}): GatewayFeature {
  const now = options.now ?? Date.now;
  return {
    name: 'oncall',
    async register(app, core) {
      await functionAdminRoutes(app, core, now);
      await functionRoutes(app, core, now);
      return {};
    },
  };
}
