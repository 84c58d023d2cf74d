import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { intakeVideo } from '../app/nadooit_website/services/video-intake.js';
import { requeueVideos, setPreview } from '../app/nadooit_website/services/videos.js';
import { FFMPEG, posterArgs } from '../app/nadooit_website/video/ffmpeg.js';
import { ffmpegArgs, passes, plan } from '../app/nadooit_website/video/ladder.js';
import { DEFAULT_LADDER } from '../app/nadooit_website/video/settings.js';
import { privatePath } from '../app/nadooit_website/video/storage.js';
import { makeClip } from '../app/nadooit_website/video/testing/clips.js';
import { transcodeVideo } from '../app/nadooit_website/video/transcode.js';
import { benchSystem } from './executions-setup.js';
import { defineBenchmark } from './support/registry.js';
import type { BenchRow } from './support/registry.js';

/** CPU seconds of this process's finished children (utime + stime of waited-for children, /proc/self/stat). */
function childCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

async function measure(work: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const cpu = childCpuSeconds();
  const started = performance.now();
  await work();
  return { wall: (performance.now() - started) / 1000, cpu: childCpuSeconds() - cpu };
}

function ffmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(FFMPEG, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}`))));
  });
}

const SECONDS = Number(process.env.BENCH_VIDEO_SECONDS ?? 60);
const PRESET = process.env.BENCH_VIDEO_PRESET ?? 'veryfast';
/** Each variant runs this often (hand and task alternating); the fastest run counts. */
const REPEAT = Math.max(1, Number(process.env.BENCH_VIDEO_REPEAT ?? 1));

type Mode = 'one-pass' | 'per-rendition' | 'progressive';
interface Figure {
  wall: number;
  cpu: number;
}
const best = (figures: Figure[]): Figure => ({ wall: Math.min(...figures.map((f) => f.wall)), cpu: Math.min(...figures.map((f) => f.cpu)) });

export default defineBenchmark({
  description: `full HLS ladder and poster of a ${SECONDS}-second 720p and 1080p source (x264 ${PRESET}): the worker's task versus the same ffmpeg commands by hand, one ffmpeg for all rungs versus one per rendition, and the progressive default; ratios against the best hand-run variant`,
  async run(context) {
    const rows: BenchRow[] = [];
    const bench = await benchSystem('sqlite');
    try {
      const appContext = bench.system.context;
      const db = appContext.db.kysely;
      for (const [label, size, ladder] of [
        ['720p → 480p+720p', '1280x720', DEFAULT_LADDER.filter((r) => r.height <= 720)],
        ['1080p → 480p+720p+1080p', '1920x1080', DEFAULT_LADDER],
      ] as const) {
        context.log(`making the ${label} source (${SECONDS} s)`);
        const source = makeClip({ seconds: SECONDS, size, rate: 30 });
        const upload = path.join(path.dirname(source), 'upload.mp4');
        await copyFile(source, upload);
        appContext.settings.video = { maxUploadBytes: 4 * 1024 ** 3, ladder: [...ladder], mode: 'one-pass', preset: PRESET };
        const queue = appContext.queue;
        const intake = await intakeVideo({ ...appContext, queue: { ...queue, enqueueWithin: async () => {} } as typeof queue }, upload, { title: label, originalName: 'source.mp4' });
        const videoId = (intake as { videoId: string }).videoId;
        const video = await db.selectFrom('web_videos').selectAll().where('id', '=', videoId).executeTakeFirstOrThrow();
        const renditions = plan([...ladder], video);
        const input = privatePath(appContext.settings, video.original_path);
        const out = path.join(path.dirname(source), 'hand');

        /** The commands the task runs (poster, then each pass), run directly. */
        const byHand = (mode: Mode) =>
          measure(async () => {
            await mkdir(out, { recursive: true });
            await ffmpeg(posterArgs(input, path.join(out, 'poster.jpg'), video.duration_ms));
            for (const run of passes(renditions, mode)) {
              for (const r of run) await mkdir(path.join(out, `${r.height}p`), { recursive: true });
              await ffmpeg(ffmpegArgs(input, run, { frameRate: video.frame_rate, hasAudio: true, preset: PRESET, outDir: (r) => path.join(out, `${r.height}p`) }));
            }
          }).finally(() => rm(out, { recursive: true, force: true }));
        /** The worker's task from a freshly queued video without renditions or poster. */
        const byTask = async (mode: Mode) => {
          appContext.settings.video = { ...appContext.settings.video!, mode };
          await requeueVideos(db, [videoId]);
          await setPreview(db, videoId, null, false);
          await db.deleteFrom('web_video_resolutions').where('video_id', '=', videoId).execute();
          return measure(() => transcodeVideo(appContext, videoId, { attempt: 1, signal: new AbortController().signal }));
        };

        const hand = new Map<Mode, Figure[]>();
        const task = new Map<Mode, Figure[]>();
        for (let round = 1; round <= REPEAT; round++) {
          for (const mode of ['one-pass', 'per-rendition', 'progressive'] as const) {
            if (mode !== 'progressive') {
              context.log(`${label}: ${mode} by hand (${round}/${REPEAT})`);
              hand.set(mode, [...(hand.get(mode) ?? []), await byHand(mode)]);
            }
            context.log(`${label}: ${mode} through the transcoding task (${round}/${REPEAT})`);
            task.set(mode, [...(task.get(mode) ?? []), await byTask(mode)]);
          }
        }
        const ceiling = best([...hand.values()].flat());
        const row = (variant: string, f: Figure) => ({
          case: `${label}, ${variant}`,
          'wall s': f.wall.toFixed(1),
          'cpu s': f.cpu.toFixed(1),
          'wall ÷ best hand': (f.wall / ceiling.wall).toFixed(2),
          'cpu ÷ best hand': (f.cpu / ceiling.cpu).toFixed(2),
        });
        for (const mode of ['one-pass', 'per-rendition', 'progressive'] as const) {
          if (hand.has(mode)) rows.push(row(`${mode}, by hand`, best(hand.get(mode)!)));
          rows.push(row(`${mode}, task`, best(task.get(mode)!)));
        }
        await rm(path.dirname(source), { recursive: true, force: true });
      }
    } finally {
      await bench.close();
    }
    return rows;
  },
});
