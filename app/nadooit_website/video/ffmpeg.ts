import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * ffmpeg/ffprobe from the system (Debian), always spawned with an argument list — never through a shell,
 * so no file name or title can become a command.
 */
export const FFMPEG = process.env.FFMPEG_BINARY || 'ffmpeg';
export const FFPROBE = process.env.FFPROBE_BINARY || 'ffprobe';

export interface Probe {
  container: string;
  videoCodec: string;
  audioCodec: string | null;
  durationMs: number;
  width: number;
  height: number;
  /** As ffprobe reports it, e.g. "30/1" or "30000/1001". */
  frameRate: string;
}

/** Why a file is not a video we accept; the message is shown to the uploader. */
export class NotAVideo extends Error {}

interface ProbeJson {
  format?: { format_name?: string; duration?: string };
  streams?: Array<{ codec_type?: string; codec_name?: string; width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string; duration?: string; disposition?: { attached_pic?: number } }>;
}

/** Image "containers" ffprobe also understands: a picture is not a video. */
const IMAGE_FORMATS = /^(image2|png_pipe|jpeg_pipe|gif|webp_pipe|bmp_pipe|svg_pipe|tiff_pipe|apng)/;

function run(binary: string, args: string[], signal?: AbortSignal): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-20_000)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function rate(text: string | undefined): number {
  const [n, d] = (text ?? '').split('/').map(Number);
  return n && d ? n / d : 0;
}

/** Container, codecs, duration and frame of a file; NotAVideo when it has no real video stream. */
export async function probe(file: string): Promise<Probe> {
  const result = await run(FFPROBE, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '--', file]);
  if (result.code !== 0) throw new NotAVideo('Die Datei ist kein lesbares Video (ffprobe erkennt kein Format).');
  const json = JSON.parse(result.stdout || '{}') as ProbeJson;
  const container = json.format?.format_name ?? '';
  const video = json.streams?.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const audio = json.streams?.find((s) => s.codec_type === 'audio');
  const durationMs = Math.round(Number(json.format?.duration ?? video?.duration ?? 0) * 1000);
  if (!video || IMAGE_FORMATS.test(container)) throw new NotAVideo('Die Datei enthält keine Videospur.');
  if (!video.width || !video.height) throw new NotAVideo('Die Videospur hat keine Bildgröße.');
  if (!(durationMs > 0)) throw new NotAVideo('Das Video hat keine Länge.');
  const frameRate = rate(video.avg_frame_rate) > 0 ? video.avg_frame_rate! : (video.r_frame_rate ?? '25/1');
  return { container, videoCodec: video.codec_name ?? 'unknown', audioCodec: audio?.codec_name ?? null, durationMs, width: video.width, height: video.height, frameRate };
}

/** Codec and size of a single picture, or null when ffprobe cannot read it as one. */
export async function probeImage(file: string): Promise<{ codec: string; width: number; height: number } | null> {
  const result = await run(FFPROBE, ['-v', 'error', '-print_format', 'json', '-show_streams', '--', file]);
  if (result.code !== 0) return null;
  const streams = (JSON.parse(result.stdout || '{}') as ProbeJson).streams ?? [];
  const image = streams.length === 1 ? streams[0] : undefined;
  if (image?.codec_type !== 'video' || !image.codec_name || !image.width || !image.height) return null;
  return { codec: image.codec_name, width: image.width, height: image.height };
}

export function framesPerSecond(frameRate: string): number {
  const fps = rate(frameRate);
  return fps > 0 && fps < 1000 ? fps : 25;
}

export class FfmpegFailed extends Error {
  constructor(
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`ffmpeg exited with ${code}: ${lastLines(stderr)}`);
  }
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-6).join('\n').slice(-1500);
}

/**
 * Runs ffmpeg with `-progress pipe:1` and reports the encoded media time (ms) as it advances. Rejects
 * with FfmpegFailed (its last stderr lines) on a non-zero exit; the abort signal kills the process.
 */
export function runFfmpeg(args: string[], onProgress: (outMs: number) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(FFMPEG, ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-progress', 'pipe:1', ...args], { stdio: ['ignore', 'pipe', 'pipe'], signal });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-20_000)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [key, value] = line.split('=');
      if (key === 'out_time_us') {
        const us = Number(value);
        if (Number.isFinite(us) && us >= 0) onProgress(us / 1000);
      }
    });
    // An abort kills the process; the promise settles once it has exited, so nothing writes after it.
    let spawnError: Error | null = null;
    child.on('error', (error) => {
      spawnError = error;
      if (child.pid === undefined) reject(error);
    });
    child.on('close', (code) => {
      if (code === 0 && !spawnError) resolve();
      else reject(signal?.aborted ? new FfmpegFailed(code, 'aborted') : (spawnError ?? new FfmpegFailed(code, stderr)));
    });
  });
}

/** The arguments that take one frame from the middle of the video as a JPEG, at most 720 pixels high. */
export function posterArgs(input: string, output: string, durationMs: number): string[] {
  const at = (durationMs / 2000).toFixed(3);
  return ['-y', '-ss', at, '-i', input, '-frames:v', '1', '-vf', "scale=-2:'min(720,ih)'", '-q:v', '3', '-f', 'image2', output];
}

export async function posterFrame(input: string, output: string, durationMs: number, signal?: AbortSignal): Promise<void> {
  await runFfmpeg(posterArgs(input, output, durationMs), () => {}, signal);
}
