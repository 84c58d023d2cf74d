import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { before, it } from 'node:test';
import { describeEachBackend } from '../../test/support/harness.js';
import { intakeVideo } from './services/video-intake.js';
import { makeClip, useSmallLadder } from './video/testing/clips.js';
import { masterPlaylistPath, privatePath, publicPath, publicVideoDir } from './video/storage.js';
import { transcodeVideo } from './video/transcode.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeEachBackend('transcoding: a stopped worker never publishes a partial rendition and the job resumes', (h) => {
  const db = () => h().system.context.db.kysely;
  let clip: string;

  before(() => {
    useSmallLadder(h().settings, 'one-pass');
    clip = makeClip({ seconds: 20, size: '320x240', rate: 25 });
  });

  it('aborting mid-transcode (worker shutdown) leaves nothing public; the next attempt publishes every rung', async () => {
    const context = h().system.context;
    const upload = path.join(path.dirname(clip), 'upload.mp4');
    await copyFile(clip, upload);
    // Intake without a job: the test drives the task itself (the harness queue would run it inline).
    const queue = context.queue;
    const result = await intakeVideo({ ...context, queue: { ...queue, enqueueWithin: async () => {} } as typeof queue }, upload, { title: 'Abbruch', originalName: 'abbruch.mp4' });
    assert.equal(result.kind, 'created');
    const videoId = (result as { videoId: string }).videoId;

    const stop = new AbortController();
    const scratch = privatePath(h().settings, `transcode/${videoId}`);
    const running = transcodeVideo(context, videoId, { attempt: 1, signal: stop.signal });
    // Stop once ffmpeg has written its first segments to the scratch space.
    for (let i = 0; i < 600; i++) {
      const segments = existsSync(scratch) ? readdirSync(scratch, { recursive: true }).filter((f) => String(f).endsWith('.ts')) : [];
      if (segments.length >= 2) break;
      await sleep(50);
    }
    stop.abort();
    await assert.rejects(running);

    const settings = h().settings;
    const publicDir = publicPath(settings, publicVideoDir(videoId));
    const published = existsSync(publicDir) ? readdirSync(publicDir).filter((f) => /^\d+p$/.test(f)) : [];
    assert.deepEqual(published, [], 'no rendition folder was published');
    assert.equal(existsSync(publicPath(settings, masterPlaylistPath(videoId))), false, 'no master playlist');
    assert.equal((await db().selectFrom('web_video_resolutions').select('id').where('video_id', '=', videoId).execute()).length, 0);
    const waiting = await db().selectFrom('web_videos').select(['status', 'error']).where('id', '=', videoId).executeTakeFirstOrThrow();
    assert.equal(waiting.status, 'queued', 'the video waits for its job to run again');

    await transcodeVideo(context, videoId, { attempt: 2, signal: new AbortController().signal });
    const done = await db().selectFrom('web_videos').select(['status', 'attempts']).where('id', '=', videoId).executeTakeFirstOrThrow();
    assert.equal(done.status, 'ready');
    assert.equal(done.attempts, 2);
    assert.deepEqual(readdirSync(publicDir).filter((f) => /^\d+p$/.test(f)).sort(), ['120p', '240p']);
    assert.equal(existsSync(scratch), false);
  });

  it('an ffmpeg failure is shown on the video: queued for a retry with the message, failed after the last attempt', async () => {
    const context = h().system.context;
    const upload = path.join(path.dirname(clip), 'broken.mp4');
    await copyFile(makeClip({ seconds: 2, name: 'broken.mp4' }), upload);
    const queue = context.queue;
    const result = await intakeVideo({ ...context, queue: { ...queue, enqueueWithin: async () => {} } as typeof queue }, upload, { title: 'Kaputt', originalName: 'kaputt.mp4' });
    const videoId = (result as { videoId: string }).videoId;
    const row = await db().selectFrom('web_videos').select('original_path').where('id', '=', videoId).executeTakeFirstOrThrow();
    // The original disappears (disk trouble): ffmpeg cannot read it.
    await rm(privatePath(h().settings, row.original_path));
    await assert.rejects(transcodeVideo(context, videoId, { attempt: 1, signal: new AbortController().signal }));
    let video = await db().selectFrom('web_videos').select(['status', 'error']).where('id', '=', videoId).executeTakeFirstOrThrow();
    assert.equal(video.status, 'queued');
    assert.match(video.error ?? '', /^Versuch 1 von 3 fehlgeschlagen, ein neuer folgt: ffmpeg exited with 1/);
    await assert.rejects(transcodeVideo(context, videoId, { attempt: 3, signal: new AbortController().signal }));
    video = await db().selectFrom('web_videos').select(['status', 'error']).where('id', '=', videoId).executeTakeFirstOrThrow();
    assert.equal(video.status, 'failed');
    assert.match(video.error ?? '', /No such file or directory/);
  });
});
