export * from './errors.ts';
export * from './ids.ts';
export * from './limits.ts';
export * from './model.ts';
export * from './http.ts';
export * from './realtime.ts';
export * from './sw-protocol.ts';
