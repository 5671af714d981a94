import type { GatewayFeature } from '../core/feature.ts';
import { attachmentRoutes } from './attachment-routes.ts';
import { conversationRoutes } from './conversation-routes.ts';
import { fhirExportRoutes } from './fhir-export-routes.ts';
import { patientCareTeamRoutes } from './patient-care-team-routes.ts';
import type { MessagingConfig } from './messaging-config.ts';
import { startRetention } from './retention.ts';
import { statsRoutes } from './stats-routes.ts';
import { loadStorageConfig, startStorageSweep } from './storage-sweep.ts';
import { pushFrames } from './push-frames.ts';
import type { PushOptions } from './push.ts';
import { syncRoutes } from './sync-routes.ts';

/**
 * Conversations, sync (push and pull of mutations, pushes over the realtime socket too), attachments,
 * the FHIR export, a patient's care team by INS, statistics, server-side retention and the storage
 * sweep. `pushedOverSocket`: each socket push's status and duration (metrics).
 */
export function messagingFeature(config: MessagingConfig = {}, pushedOverSocket?: (status: number, seconds: number) => void): GatewayFeature {
  return {
    name: 'messaging',
    async register(app, core) {
      await conversationRoutes(app, core);
      const pushOptions: PushOptions = { ...(config.aroundPush ? { around: config.aroundPush } : {}), ...(config.oncallNow ? { now: config.oncallNow } : {}) };
      await syncRoutes(app, core, pushOptions);
      await statsRoutes(app, core);
      await attachmentRoutes(app, core, config);
      await fhirExportRoutes(app, core, config);
      await patientCareTeamRoutes(app, core);
      const retention = config.retention ? startRetention(core.redis, config.retention, core.log) : null;
      const storage = startStorageSweep(
        core.redis,
        {
          ...(config.storage ?? loadStorageConfig({})),
          blobDir: config.blobDir ?? './var/blobs',
          sweepMinutes: config.retention?.sweepMinutes ?? 60,
        },
        core.log,
      );
      return {
        frames: [pushFrames(core, { ...pushOptions, ...(pushedOverSocket ? { observe: pushedOverSocket } : {}) })],
        close: () => {
          retention?.stop();
          storage.stop();
        },
      };
    },
  };
}
