import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Settings } from '../../../core/config.js';

/** A small test clip from ffmpeg's lavfi sources (test pattern + tone), made on the fly, never committed. */
export function makeClip(options: { seconds?: number; size?: string; rate?: number; audio?: boolean; name?: string } = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'nadooit-clip-'));
  const file = path.join(dir, options.name ?? 'clip.mp4');
  const seconds = options.seconds ?? 5;
  const args = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=duration=${seconds}:size=${options.size ?? '320x240'}:rate=${options.rate ?? 15}`];
  if (options.audio !== false) args.push('-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-c:a', 'aac', '-b:a', '64k');
  args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-shortest', file);
  const result = spawnSync('ffmpeg', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ffmpeg could not make the test clip: ${result.stderr || result.error}`);
  return file;
}

/** A tiny ladder so tests stay fast on a loaded machine: 120p and 240p, and a 480p rung the 240p source must skip. */
export function useSmallLadder(settings: Settings, mode: NonNullable<Settings['video']>['mode'] = 'progressive'): void {
  settings.video = {
    maxUploadBytes: 20 * 1024 * 1024,
    ladder: [
      { height: 120, videoKbps: 150 },
      { height: 240, videoKbps: 300 },
      { height: 480, videoKbps: 800 },
    ],
    mode,
    preset: 'ultrafast',
  };
}
