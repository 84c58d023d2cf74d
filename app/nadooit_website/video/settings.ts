import type { LadderRung, Settings, VideoConfig } from '../../core/config.js';

/** The original's ladder (video_config.json): 480p 1500k, 720p 2500k, 1080p 5500k. */
export const DEFAULT_LADDER: LadderRung[] = [
  { height: 480, videoKbps: 1500 },
  { height: 720, videoKbps: 2500 },
  { height: 1080, videoKbps: 5500 },
];

export const DEFAULT_VIDEO_CONFIG: VideoConfig = { maxUploadBytes: 2048 * 1024 * 1024, ladder: DEFAULT_LADDER, mode: 'progressive', preset: 'medium' };

export const TRANSCODE_MODES = ['progressive', 'one-pass', 'per-rendition'] as const;

export function videoConfig(settings: Pick<Settings, 'video'>): VideoConfig {
  return settings.video ?? DEFAULT_VIDEO_CONFIG;
}

/** "480:1500,720:2500" → rungs sorted by height; throws a readable message on anything else. */
export function parseLadder(text: string): LadderRung[] {
  const rungs = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^(\d{2,4})p?:(\d{2,6})k?$/i.exec(part);
      if (!match) throw new Error(`"${part}" is not <height>:<kbit/s>, e.g. 720:2500`);
      const height = Number(match[1]);
      if (height % 2 !== 0 || height < 32 || height > 4320) throw new Error(`height ${height} must be even, from 32 to 4320`);
      return { height, videoKbps: Number(match[2]) };
    });
  if (!rungs.length) throw new Error('at least one rung, e.g. 480:1500,720:2500,1080:5500');
  if (new Set(rungs.map((r) => r.height)).size !== rungs.length) throw new Error('each height once');
  return rungs.sort((a, b) => a.height - b.height);
}
