import path from 'node:path';
import { addStaticMount, assetUrl } from '../core/ui/assets.js';

/** The website's own script and stylesheet (no inline code under the CSP), served under /static/<build>/nadooit-website/. */
export const STATIC_MOUNT = 'nadooit-website';
addStaticMount(STATIC_MOUNT, path.join(import.meta.dirname, 'static'));

export const websiteAsset = (file: string) => assetUrl(`${STATIC_MOUNT}/${file}`);
