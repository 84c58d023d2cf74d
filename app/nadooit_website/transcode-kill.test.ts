import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { bootstrap } from '../nadooit/bootstrap.js';
import { loadSettings } from '../nadooit/settings.js';
import { waitFor } from '../core/queue/testing/support.js';
import { intakeVideo } from './services/video-intake.js';
import { makeClip } from './video/testing/clips.js';
import { masterPlaylistPath, privatePath, publicPath, publicVideoDir } from './video/storage.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** `npm run worker` in a process group of its own, so a kill takes its ffmpeg along (as a container stop does). */
function startWorker(env: Record<string, string>): ChildProcess & { output: () => string; exit: Promise<unknown> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/nadooit/main.ts', 'worker'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  const exit = new Promise((resolve) => child.on('exit', resolve));
  return Object.assign(child, { output: () => output, exit });
}

const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
};

/** The public rendition folders of a video and what its master playlist lists; every listed rendition is complete. */
function publicState(mediaRoot: string, videoId: string): { folders: string[]; listed: string[] } {
  const dir = publicPath({ mediaRoot }, publicVideoDir(videoId));
  const entries = existsSync(dir) ? readdirSync(dir) : [];
  assert.deepEqual(entries.filter((e) => e.startsWith('.')), [], 'nothing half-moved or half-written is public');
  const master = existsSync(path.join(dir, 'master.m3u8')) ? readFileSync(path.join(dir, 'master.m3u8'), 'utf8') : '';
  const listed = master.split('\n').filter((line) => line.endsWith('/index.m3u8'));
  for (const playlist of listed) {
    const text = readFileSync(path.join(dir, playlist), 'utf8');
    assert.match(text, /#EXT-X-ENDLIST/, `${playlist} is complete`);
    for (const segment of text.split('\n').filter((l) => l.endsWith('.ts'))) assert.ok(statSync(path.join(dir, path.dirname(playlist), segment)).size > 0, segment);
  }
  return { folders: entries.filter((e) => /^\d+p$/.test(e)).sort(), listed };
}

describe('transcoding: a worker killed with SIGKILL mid-rendition (real worker process, db queue, SQLite)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nadooit-kill-'));
  const workers: ChildProcess[] = [];
  after(() => {
    for (const worker of workers) killGroup(worker, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes no partial rendition, and the restarted worker keeps what was finished and completes the ladder', async () => {
    const env = {
      SECRET_KEY: 'process-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz',
      DEBUG: '0',
      LOG_LEVEL: 'info',
      DATA_DIR: dir,
      MEDIA_ROOT: path.join(dir, 'media'),
      VIDEO_LADDER: '120:150,240:300',
      VIDEO_TRANSCODE_MODE: 'progressive',
      // A slow preset keeps the second run (240p) going long enough to be caught in the middle.
      VIDEO_X264_PRESET: 'medium',
    };
    const settings = loadSettings(env, ROOT);
    const system = await bootstrap(settings, { migrate: true, queueDriver: 'db', logger: pino({ level: 'silent' }) });
    try {
      const db = system.context.db.kysely;
      const clip = makeClip({ seconds: 40, size: '320x240', rate: 25 });
      const upload = path.join(path.dirname(clip), 'upload.mp4');
      await copyFile(clip, upload);
      const intake = await intakeVideo(system.context, upload, { title: 'Abgeschossen', originalName: 'kill.mp4' });
      assert.equal(intake.kind, 'created');
      const videoId = (intake as { videoId: string }).videoId;
      const scratch = privatePath(settings, `transcode/${videoId}`);
      const scratchSegments = (rung: string) =>
        existsSync(scratch) ? readdirSync(scratch, { recursive: true }).filter((f) => String(f).includes(`${rung}/`) && String(f).endsWith('.ts')).length : 0;

      // The worker publishes 120p, then encodes 240p in its scratch space: kill it (and its ffmpeg) right then.
      const first = startWorker(env);
      workers.push(first);
      await waitFor(() => existsSync(publicPath(settings, `${publicVideoDir(videoId)}/120p`)) && scratchSegments('240p') >= 2, () => `240p in progress (${first.output()})`, 300_000);
      killGroup(first, 'SIGKILL');
      await first.exit;

      const killed = publicState(settings.mediaRoot, videoId);
      assert.deepEqual(killed.folders, ['120p'], 'the 240p rendition in progress is not public');
      assert.deepEqual(killed.listed, ['120p/index.m3u8'], 'the master lists only the complete rendition');
      assert.ok(scratchSegments('240p') >= 2, 'the partial 240p stayed in the private scratch space');
      const rungs = await db.selectFrom('web_video_resolutions').select('resolution').where('video_id', '=', videoId).execute();
      assert.deepEqual(rungs.map((r) => r.resolution), [120]);
      const kept = statSync(publicPath(settings, `${publicVideoDir(videoId)}/120p`)).ino;

      // The killed worker's lease runs out (60 s by default; set back here instead of waiting), then a new worker takes the job.
      await db.updateTable('core_jobs').set({ locked_until: new Date(Date.now() - 1000).toISOString() }).where('status', '=', 'active').execute();
      const second = startWorker(env);
      workers.push(second);
      await waitFor(
        async () => (await db.selectFrom('web_videos').select('status').where('id', '=', videoId).executeTakeFirst().catch(() => undefined))?.status === 'ready',
        () => `the video is ready (${second.output()})`,
        300_000,
      );
      killGroup(second, 'SIGTERM');
      await second.exit;

      const done = publicState(settings.mediaRoot, videoId);
      assert.deepEqual(done.folders, ['120p', '240p']);
      assert.deepEqual(done.listed, ['120p/index.m3u8', '240p/index.m3u8']);
      assert.equal(statSync(publicPath(settings, `${publicVideoDir(videoId)}/120p`)).ino, kept, 'the finished 120p was kept, not encoded again');
      assert.equal(existsSync(scratch), false, 'the partial scratch space is gone');
      const video = await db.selectFrom('web_videos').select(['attempts', 'progress_permille', 'error']).where('id', '=', videoId).executeTakeFirstOrThrow();
      assert.equal(video.attempts, 2);
      assert.equal(video.progress_permille, 1000);
      assert.equal(video.error, null);
      assert.ok(existsSync(publicPath(settings, masterPlaylistPath(videoId))));
    } finally {
      await system.close();
    }
  });
});
