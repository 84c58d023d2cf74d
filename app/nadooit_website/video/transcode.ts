import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { AppContext } from '../../core/app-module.js';
import type { TaskContext, TaskDefinition } from '../../core/queue/types.js';
import { deleteResolutions, finishVideo, findVideo, resolutionsOf, setGeneratedPoster, setProgress, startAttempt, upsertResolution } from '../services/videos.js';
import { FfmpegFailed, posterFrame, runFfmpeg } from './ffmpeg.js';
import { ffmpegArgs, masterPlaylist, passes, plan, renditionDir } from './ladder.js';
import type { Rendition } from './ladder.js';
import { videoConfig } from './settings.js';
import { TRANSCODE_DIR, masterPlaylistPath, posterPath, privatePath, publicPath, publicVideoDir, publishDirectory, writeAtomically } from './storage.js';

export const TRANSCODE_TASK = 'nadooit_website.transcode_video';
export const TRANSCODE_ATTEMPTS = 3;
/** Progress is written at most this often (the admin polls every second or two). */
const PROGRESS_EVERY_MS = 1000;

export interface TranscodePayload {
  videoId: string;
}

export const transcodeJobKey = (videoId: string) => `transcode:${videoId}`;

/**
 * Transcodes one video into its HLS ladder. Safe to run again at any point: each attempt works in a fresh
 * private scratch folder (a killed ffmpeg from an earlier attempt writes into a removed one), renditions
 * published since the video was queued are kept, and a rendition becomes public only by a rename of its
 * finished folder, after which the master playlist is rewritten atomically.
 */
export function transcodeTask(context: () => AppContext): TaskDefinition<TranscodePayload> {
  return {
    name: TRANSCODE_TASK,
    maxAttempts: TRANSCODE_ATTEMPTS,
    async handler(payload, task) {
      await transcodeVideo(context(), payload.videoId, task);
    },
  };
}

export async function transcodeVideo(context: AppContext, videoId: string, task: Pick<TaskContext, 'attempt' | 'signal'>): Promise<void> {
  const db = context.db.kysely;
  const { settings } = context;
  const video = await findVideo(db, videoId);
  if (!video || video.status === 'ready') return; // deleted meanwhile, or a duplicate job of a finished run
  const config = videoConfig(settings);
  const scratchRoot = privatePath(settings, `${TRANSCODE_DIR}/${videoId}`);
  await rm(scratchRoot, { recursive: true, force: true });
  const scratch = path.join(scratchRoot, randomBytes(6).toString('hex'));
  await mkdir(scratch, { recursive: true });
  await startAttempt(db, videoId);
  const input = privatePath(settings, video.original_path);
  try {
    if (!video.preview_path) {
      const poster = path.join(scratch, 'poster.jpg');
      await posterFrame(input, poster, video.duration_ms, task.signal);
      await publishFile(poster, publicPath(settings, posterPath(videoId)));
      await setGeneratedPoster(db, videoId, posterPath(videoId));
    }
    const renditions = plan(config.ladder, video);
    const done = new Set(
      (await resolutionsOf(db, videoId)).filter((r) => video.queued_at && r.created_at >= video.queued_at && renditions.some((x) => x.height === r.resolution)).map((r) => r.resolution),
    );
    const todo = renditions.filter((r) => !done.has(r.height));
    const progress = new ProgressReporter(context, videoId, renditions, done, video.duration_ms);
    const hasAudio = video.audio_codec !== null;
    for (const run of passes(todo, config.mode)) {
      const outDir = (r: Rendition) => path.join(scratch, renditionDir(r));
      for (const r of run) await mkdir(outDir(r), { recursive: true });
      await runFfmpeg(ffmpegArgs(input, run, { frameRate: video.frame_rate, hasAudio, preset: config.preset, outDir }), (ms) => progress.advance(run, ms), task.signal);
      for (const r of run) {
        await publishDirectory(outDir(r), publicPath(settings, `${publicVideoDir(videoId)}/${renditionDir(r)}`));
        await upsertResolution(db, { video_id: videoId, resolution: r.height, width: r.width, bitrate_kbps: r.videoKbps, playlist_path: `${publicVideoDir(videoId)}/${renditionDir(r)}/index.m3u8` });
        done.add(r.height);
      }
      await writeMaster(context, videoId, hasAudio);
      await progress.flush(run);
    }
    await dropStaleRenditions(context, videoId, renditions, hasAudio);
    await finishVideo(db, videoId, 'ready', null);
    await rm(scratchRoot, { recursive: true, force: true });
  } catch (error) {
    const text = error instanceof FfmpegFailed ? error.message : error instanceof Error ? error.message : String(error);
    if (task.signal.aborted) await finishVideo(db, videoId, 'queued', null); // the worker stops: the job runs again
    else if (task.attempt >= TRANSCODE_ATTEMPTS) await finishVideo(db, videoId, 'failed', text);
    else await finishVideo(db, videoId, 'queued', `Versuch ${task.attempt} von ${TRANSCODE_ATTEMPTS} fehlgeschlagen, ein neuer folgt: ${text}`);
    await rm(scratchRoot, { recursive: true, force: true }).catch(() => {}); // the next attempt clears it anyway
    throw error;
  }
}

async function publishFile(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  await rename(from, to);
}

async function writeMaster(context: AppContext, videoId: string, hasAudio: boolean): Promise<void> {
  const published = await resolutionsOf(context.db.kysely, videoId);
  const text = masterPlaylist(published.map((r) => ({ height: r.resolution, width: r.width, videoKbps: r.bitrate_kbps })), hasAudio);
  await writeAtomically(publicPath(context.settings, masterPlaylistPath(videoId)), text);
}

/** Renditions of an earlier ladder that the current one no longer has: out of the master, then off disk. */
async function dropStaleRenditions(context: AppContext, videoId: string, renditions: Rendition[], hasAudio: boolean): Promise<void> {
  const keep = new Set(renditions.map((r) => r.height));
  const stale = (await resolutionsOf(context.db.kysely, videoId)).filter((r) => !keep.has(r.resolution));
  if (stale.length) {
    await deleteResolutions(context.db.kysely, videoId, stale.map((r) => r.resolution));
    await writeMaster(context, videoId, hasAudio);
  }
  const dir = publicPath(context.settings, publicVideoDir(videoId));
  for (const entry of await readdir(dir).catch(() => [] as string[])) {
    const height = /^(\d+)p$/.exec(entry)?.[1];
    if (height && !keep.has(Number(height))) await rm(path.join(dir, entry), { recursive: true, force: true });
  }
}

/** Percent per rendition and overall, and an ETA from the speed so far, written at most once a second. */
class ProgressReporter {
  private readonly perRendition: Record<string, number> = {};
  private readonly started = Date.now();
  private lastWrite = 0;
  private pending: Promise<void> = Promise.resolve();
  private readonly startDone: number;

  constructor(
    private readonly context: AppContext,
    private readonly videoId: string,
    private readonly all: Rendition[],
    done: Set<number>,
    private readonly durationMs: number,
  ) {
    for (const r of all) this.perRendition[r.height] = done.has(r.height) ? 1000 : 0;
    this.startDone = this.overall();
  }

  private overall(): number {
    const values = this.all.map((r) => this.perRendition[r.height] ?? 0);
    return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  }

  advance(run: Rendition[], outMs: number): void {
    const permille = Math.min(999, Math.floor((outMs / Math.max(1, this.durationMs)) * 1000));
    for (const r of run) this.perRendition[r.height] = permille;
    if (Date.now() - this.lastWrite < PROGRESS_EVERY_MS) return;
    this.lastWrite = Date.now();
    this.pending = this.pending.then(() => this.write()).catch(() => {});
  }

  async flush(run: Rendition[]): Promise<void> {
    await this.pending;
    for (const r of run) this.perRendition[r.height] = 1000;
    await this.write();
  }

  private async write(): Promise<void> {
    this.lastWrite = Date.now();
    const overall = this.overall();
    const gained = overall - this.startDone;
    const elapsed = (Date.now() - this.started) / 1000;
    const etaSeconds = gained > 5 ? Math.round((elapsed / gained) * (1000 - overall)) : null;
    await setProgress(this.context.db.kysely, this.videoId, { permille: overall, perRendition: { ...this.perRendition }, etaSeconds });
  }
}
