import { createRequire } from 'node:module';
import path from 'node:path';
import { addStaticMount, assetUrl } from '../../core/ui/assets.js';

/** hls.js from npm, served under /static/<build>/hls.js/ (no CDN): the player on browsers without native HLS. */
const HLS_MOUNT = 'hls.js';
const require = createRequire(import.meta.url);
addStaticMount(HLS_MOUNT, path.dirname(require.resolve('hls.js/dist/hls.light.min.js')));

export const hlsAsset = (file: string) => assetUrl(`${HLS_MOUNT}/${file}`);
