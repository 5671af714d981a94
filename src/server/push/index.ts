export { pushFeature, type PushFeature, type PushService, type PushServiceOptions } from './push-service.ts';
