// Entry of a device worker thread: TypeScript through tsx's loader, then the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./device-worker.ts');
