import type { LadderRung, VideoConfig } from '../../core/config.js';
import { framesPerSecond } from './ffmpeg.js';

/** One rendition to produce: frame size and bitrates. */
export interface Rendition {
  height: number;
  width: number;
  videoKbps: number;
}

export const AUDIO_KBPS = 128;
/** Keyframe every 2 s in every rendition (fixed GOP, no scene cuts) so players switch between them cleanly. */
export const GOP_SECONDS = 2;
/** A multiple of the GOP, so each segment starts on a keyframe and all renditions cut at the same times. */
export const SEGMENT_SECONDS = 4;
/** H.264 High profile, level 4.2 (1080p60): what browsers and phones play. The master playlist names it. */
export const CODECS = 'avc1.64002a,mp4a.40.2';
export const CODECS_NO_AUDIO = 'avc1.64002a';

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/**
 * The rungs of the ladder this source gets: never higher than the source (no upscaling); a source smaller
 * than the lowest rung gets one rendition at its own height.
 */
export function plan(ladder: LadderRung[], source: { width: number; height: number }): Rendition[] {
  const aspect = source.width / source.height;
  const fitting = ladder.filter((r) => r.height <= source.height);
  const rungs = fitting.length ? fitting : [{ height: even(source.height), videoKbps: ladder[0]!.videoKbps }];
  return rungs.map((r) => ({ height: r.height, width: even(r.height * aspect), videoKbps: r.videoKbps }));
}

/** How the renditions are grouped into ffmpeg runs (each run decodes the source once). */
export function passes(renditions: Rendition[], mode: VideoConfig['mode']): Rendition[][] {
  if (renditions.length <= 1) return [renditions];
  switch (mode) {
    case 'one-pass':
      return [renditions];
    case 'per-rendition':
      return renditions.map((r) => [r]);
    case 'progressive':
      return [[renditions[0]!], renditions.slice(1)];
  }
}

export const renditionDir = (r: Pick<Rendition, 'height'>) => `${r.height}p`;

/**
 * The ffmpeg arguments of one run: decode once, split, scale per rendition, H.264 High with a fixed GOP and
 * scene-cut detection off, AAC stereo, and an HLS VOD playlist per rendition in `outDir(r)`.
 */
export function ffmpegArgs(input: string, run: Rendition[], options: { frameRate: string; hasAudio: boolean; preset: string; outDir: (r: Rendition) => string }): string[] {
  const gop = Math.max(1, Math.round(framesPerSecond(options.frameRate) * GOP_SECONDS));
  const labels = run.map((_, i) => `v${i}`);
  const filter = `[0:v:0]split=${run.length}${labels.map((l) => `[${l}]`).join('')};` + run.map((r, i) => `[${labels[i]}]scale=${r.width}:${r.height}:flags=bicubic,format=yuv420p[${labels[i]}o]`).join(';');
  const args = ['-y', '-i', input, '-filter_complex', filter];
  run.forEach((r, i) => {
    const dir = options.outDir(r);
    args.push('-map', `[${labels[i]}o]`);
    if (options.hasAudio) args.push('-map', '0:a:0', '-c:a', 'aac', '-ac', '2', '-b:a', `${AUDIO_KBPS}k`);
    args.push(
      '-c:v', 'libx264', '-profile:v', 'high', '-level:v', '4.2', '-preset', options.preset,
      '-b:v', `${r.videoKbps}k`, '-maxrate', `${Math.round(r.videoKbps * 1.07)}k`, '-bufsize', `${Math.round(r.videoKbps * 1.5)}k`,
      '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', '-force_key_frames', `expr:gte(t,n_forced*${GOP_SECONDS})`,
      '-f', 'hls', '-hls_time', String(SEGMENT_SECONDS), '-hls_playlist_type', 'vod', '-hls_list_size', '0',
      '-hls_segment_filename', `${dir}/index%d.ts`, `${dir}/index.m3u8`,
    );
  });
  return args;
}

/** Peak bandwidth of a rendition as the master playlist declares it (video maxrate + audio), bit/s. */
export function bandwidth(r: Pick<Rendition, 'videoKbps'>, hasAudio: boolean): number {
  return Math.round(r.videoKbps * 1.07 + (hasAudio ? AUDIO_KBPS : 0)) * 1000;
}

/** The master playlist over the published renditions, lowest first (players start low and climb). */
export function masterPlaylist(published: Array<{ height: number; width: number; videoKbps: number }>, hasAudio: boolean): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const r of [...published].sort((a, b) => a.height - b.height)) {
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${bandwidth(r, hasAudio)},AVERAGE-BANDWIDTH=${(r.videoKbps + (hasAudio ? AUDIO_KBPS : 0)) * 1000},RESOLUTION=${r.width}x${r.height},CODECS="${hasAudio ? CODECS : CODECS_NO_AUDIO}"`,
      `${renditionDir(r)}/index.m3u8`,
    );
  }
  return `${lines.join('\n')}\n`;
}
