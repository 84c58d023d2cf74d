import path from 'node:path';
import { addStaticMount, assetUrl } from '../core/ui/assets.js';

/** The dashboard's own script and stylesheet (no inline code under the CSP), served under /static/<build>/nadooit-os/. */
export const STATIC_MOUNT = 'nadooit-os';
addStaticMount(STATIC_MOUNT, path.join(import.meta.dirname, 'static'));

export const osAsset = (file: string) => assetUrl(`${STATIC_MOUNT}/${file}`);
