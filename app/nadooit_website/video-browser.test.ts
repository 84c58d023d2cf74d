/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { before, it } from 'node:test';
import { newContext, serve, useBrowser, watchProblems } from '../../test/support/browser.js';
import { describeEachBackend } from '../../test/support/harness.js';
import { intakeVideo } from './services/video-intake.js';
import { order, section } from './testing/fixtures.js';
import { makeClip, useSmallLadder } from './video/testing/clips.js';

const browser = useBrowser();
const VISITOR_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

describeEachBackend('video player in Chromium: HLS through hls.js under the strict CSP, quality switching', (h) => {
  const db = () => h().system.context.db.kysely;
  let videoId = '';

  before(async () => {
    useSmallLadder(h().settings);
    const clip = makeClip({ seconds: 8 });
    const upload = path.join(path.dirname(clip), 'upload.mp4');
    await copyFile(clip, upload);
    const result = await intakeVideo(h().system.context, upload, { title: 'Browserclip', originalName: 'clip.mp4' });
    assert.equal(result.kind, 'created');
    videoId = (result as { videoId: string }).videoId;
    const ready = await db().selectFrom('web_videos').select(['status', 'error']).where('id', '=', videoId).executeTakeFirstOrThrow();
    assert.equal(ready.status, 'ready', ready.error ?? '');
  });

  it('plays the master playlist (currentTime advances) and switches between the renditions', async () => {
    const withVideo = await section(db(), 'Film', { html: '<section><h2>Film</h2>{{ video }}</section>' });
    await db().updateTable('web_sections').set({ video_id: videoId }).where('id', '=', withVideo).execute();
    await db().updateTable('web_section_orders').set({ is_active: false }).execute();
    await order(db(), 'Mit Video', [withVideo]);

    const origin = await serve(await h().app());
    const context = await newContext(browser(), { baseURL: origin, userAgent: VISITOR_UA });
    const page = await context.newPage();
    const problems = watchProblems(page, { origin });
    await page.goto('/', { waitUntil: 'networkidle' });
    await page.waitForSelector('video.web-video-player[data-player-ready="hls"]');
    assert.equal(await page.getAttribute('video.web-video-player', 'poster'), `/media/videos/${videoId}/poster.jpg`);
    const options = await page.$$eval('.web-video-quality-select option', (list) => list.map((o) => o.textContent));
    assert.deepEqual(options, ['Auto', '120p', '240p']);

    await page.evaluate(() => {
      const video = document.querySelector('video.web-video-player') as HTMLVideoElement;
      video.muted = true;
      void video.play();
    });
    await page.waitForFunction(() => (document.querySelector('video.web-video-player') as HTMLVideoElement).currentTime > 1);

    await page.selectOption('.web-video-quality-select', { label: '240p' });
    await page.waitForFunction(() => (document.querySelector('video.web-video-player') as HTMLVideoElement).dataset.currentHeight === '240');
    await page.selectOption('.web-video-quality-select', { label: '120p' });
    await page.waitForFunction(() => (document.querySelector('video.web-video-player') as HTMLVideoElement).dataset.currentHeight === '120');
    const before = await page.evaluate(() => (document.querySelector('video.web-video-player') as HTMLVideoElement).currentTime);
    await page.waitForFunction((t) => (document.querySelector('video.web-video-player') as HTMLVideoElement).currentTime > t + 0.5, before);

    // A player that htmx inserts later initialises too.
    await page.evaluate(() => {
      const holder = document.createElement('div');
      holder.id = 'late';
      document.querySelector('.web-sections')!.append(holder);
      const html = document.querySelector('figure.web-video')!.outerHTML.replace(/ data-player-ready="[^"]*"/, '').replace(/ data-current-height="[^"]*"/, '');
      (window as unknown as { htmx: { swap: (t: Element, h: string, s: object) => void } }).htmx.swap(holder, html, { swapStyle: 'innerHTML' });
    });
    await page.waitForSelector('#late video.web-video-player[data-player-ready="hls"]');
    assert.equal(problems.length, 0, problems.join('\n'));
    await context.close();
  });
});
