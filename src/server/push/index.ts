export { observeAppended, registerPush, type PushService, type PushServiceOptions } from './push-service.ts';
