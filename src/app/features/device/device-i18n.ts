import { translator } from '../../core/i18n/translator.ts';
import { deviceEn } from './device-en.ts';
import { deviceFr, type DeviceMessageKey } from './device-fr.ts';

/** `t()` for the device screens' own catalogue (imported only by lazily loaded screens). */
export const tDevice = translator<DeviceMessageKey>({ fr: deviceFr, en: deviceEn });
