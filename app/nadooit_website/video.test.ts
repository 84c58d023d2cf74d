import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { before, it } from 'node:test';
import { createStaff, staffLogin } from '../../test/e2e/admin-support.js';
import type { TestClient } from '../../test/support/http.js';
import { describeEachBackend } from '../../test/support/harness.js';
import { serve } from '../../test/support/browser.js';
import { createSection } from './services/content.js';
import { loadSections } from './services/pages.js';
import { makeClip, useSmallLadder } from './video/testing/clips.js';
import { ORIGINALS_DIR, UPLOADS_DIR, masterPlaylistPath, privatePath, publicPath } from './video/storage.js';
import { UPLOADS_PATH } from './video/tus.js';
import { SectionBlock } from './views/page.js';

interface Tus {
  origin: string;
  client: TestClient;
}

function headers(tus: Tus, extra: Record<string, string> = {}): Record<string, string> {
  return { 'tus-resumable': '1.0.0', 'x-csrftoken': tus.client.csrfToken, cookie: tus.client.cookieHeader(), ...extra };
}

async function create(tus: Tus, length: number, meta: Record<string, string>): Promise<Response> {
  const metadata = Object.entries(meta).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');
  return fetch(`${tus.origin}${UPLOADS_PATH}`, { method: 'POST', headers: headers(tus, { 'upload-length': String(length), 'upload-metadata': metadata }) });
}

async function patch(tus: Tus, location: string, offset: number, body: Buffer, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(`${tus.origin}${location}`, { method: 'PATCH', headers: headers(tus, { 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset), ...extra }), body: new Uint8Array(body) });
}

async function offsetOf(tus: Tus, location: string): Promise<number> {
  const head = await fetch(`${tus.origin}${location}`, { method: 'HEAD', headers: headers(tus) });
  assert.equal(head.status, 200);
  return Number(head.headers.get('upload-offset'));
}

/** Sends part of a PATCH body and then cuts the connection, as a browser losing its network would. */
function interruptedPatch(tus: Tus, location: string, offset: number, part: Buffer, announced: number): Promise<void> {
  return new Promise((resolve) => {
    const url = new URL(`${tus.origin}${location}`);
    const request = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'PATCH', headers: headers(tus, { 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset), 'content-length': String(announced) }) });
    request.on('error', () => resolve());
    request.write(part, () => setTimeout(() => (request.destroy(), resolve()), 300));
  });
}

const sha1 = (data: Buffer) => `sha1 ${createHash('sha1').update(data).digest('base64')}`;

describeEachBackend('video upload (tus), transcoding ladder, embedding', (h) => {
  const db = () => h().system.context.db.kysely;
  let tus: Tus;
  let clip: Buffer;

  before(async () => {
    useSmallLadder(h().settings);
    clip = readFileSync(makeClip());
    const app = await h().app();
    const client = await staffLogin(app, await createStaff(db(), h().settings, { superuser: true }));
    await client.get('/admin/nadooit_website/videos/add');
    tus = { origin: await serve(app), client };
  });

  it('uploads in two chunks with a cut connection in between, and the worker publishes the ladder and a poster', async () => {
    const created = await create(tus, clip.length, { filename: 'clip.mp4', title: 'Testclip' });
    assert.equal(created.status, 201, await created.text());
    const location = created.headers.get('location')!;
    assert.equal(await offsetOf(tus, location), 0);

    const half = Math.floor(clip.length / 2);
    await interruptedPatch(tus, location, 0, clip.subarray(0, half), clip.length);
    // Like a tus client: while the server still winds down the cut request (409 tus_busy), ask again a little later.
    let resumed = 0;
    let one: Response;
    for (let attempt = 0; ; attempt++) {
      resumed = await offsetOf(tus, location);
      const first = clip.subarray(resumed, half);
      one = await patch(tus, location, resumed, first, { 'upload-checksum': sha1(first) });
      if (one.status !== 409 || attempt >= 50) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.ok(resumed > 0 && resumed <= half, `kept ${resumed} of the ${half} bytes sent before the cut`);
    assert.equal(one.status, 204, await one.text());
    assert.equal(Number(one.headers.get('upload-offset')), half);

    const rest = clip.subarray(half);
    const wrong = await patch(tus, location, half, rest, { 'upload-checksum': sha1(Buffer.from('other')) });
    assert.equal(wrong.status, 460, 'a corrupted chunk is refused');
    assert.equal(await offsetOf(tus, location), half, 'and not kept');
    assert.equal((await patch(tus, location, 0, rest)).status, 409, 'a wrong offset is refused');

    const last = await patch(tus, location, half, rest, { 'upload-checksum': sha1(rest) });
    assert.equal(last.status, 204, await last.text());
    const videoId = last.headers.get('x-video-id')!;
    assert.ok(videoId);

    const video = await db().selectFrom('web_videos').selectAll().where('id', '=', videoId).executeTakeFirstOrThrow();
    assert.equal(video.status, 'ready', video.error ?? '');
    assert.equal(video.progress_permille, 1000);
    assert.equal(video.content_hash, createHash('sha256').update(clip).digest('hex'));
    assert.equal(video.width, 320);
    assert.equal(video.height, 240);
    assert.equal(video.audio_codec, 'aac');
    const rungs = await db().selectFrom('web_video_resolutions').select(['resolution', 'width']).where('video_id', '=', videoId).orderBy('resolution').execute();
    assert.deepEqual(rungs, [{ resolution: 120, width: 160 }, { resolution: 240, width: 320 }], '480p is skipped: never upscaled');

    const settings = h().settings;
    const master = readFileSync(publicPath(settings, masterPlaylistPath(videoId)), 'utf8');
    assert.match(master, /RESOLUTION=160x120,CODECS="avc1\.64002a,mp4a\.40\.2"\n120p\/index\.m3u8/);
    assert.match(master, /RESOLUTION=320x240.*\n240p\/index\.m3u8/);
    for (const height of [120, 240]) {
      const playlist = readFileSync(publicPath(settings, `videos/${videoId}/${height}p/index.m3u8`), 'utf8');
      assert.match(playlist, /#EXT-X-PLAYLIST-TYPE:VOD[\s\S]*#EXT-X-ENDLIST/);
      for (const segment of playlist.split('\n').filter((l) => l.endsWith('.ts'))) assert.ok(existsSync(publicPath(settings, `videos/${videoId}/${height}p/${segment}`)), segment);
    }
    assert.ok(existsSync(publicPath(settings, `videos/${videoId}/poster.jpg`)), 'a poster from the middle');
    assert.equal(video.preview_path, `videos/${videoId}/poster.jpg`);
    assert.ok(existsSync(privatePath(settings, video.original_path)), 'the original is kept, privately');
    assert.equal(readdirSync(privatePath(settings, UPLOADS_DIR)).length, 0, 'the upload file is gone');
    assert.equal(existsSync(privatePath(settings, `transcode/${videoId}`)), false, 'no scratch space left');

    const app = await h().app();
    const served = await app.inject({ url: `/media/${masterPlaylistPath(videoId)}` });
    assert.equal(served.statusCode, 200);
    assert.equal(served.body, master);
    assert.equal(served.headers['cache-control'], 'no-cache', 'playlists are revalidated (the master grows rung by rung)');
    const original = await app.inject({ url: `/media/private/${video.original_path}`, headers: { accept: 'application/json' } });
    assert.equal(original.statusCode, 403, 'the original is private: anonymous people are refused');
    const staffOriginal = await tus.client.get(`/media/private/${video.original_path}`, { range: 'bytes=0-99' });
    assert.equal(staffOriginal.statusCode, 206, 'staff get it from the app, with range requests');
    assert.equal(staffOriginal.rawPayload.length, 100);
    const status = await tus.client.get(`/admin/nadooit_website/videos/${videoId}/status`);
    assert.equal(status.statusCode, 200);
    assert.match(status.body, /data-status="ready"/);
    assert.doesNotMatch(status.body, /hx-trigger/, 'a finished video is not polled any more');

    // The same content again is stored once.
    const again = await create(tus, clip.length, { filename: 'copy.mp4', title: 'Kopie' });
    const duplicate = await patch(tus, again.headers.get('location')!, 0, clip);
    assert.equal(duplicate.status, 204);
    assert.equal(duplicate.headers.get('x-video-id'), videoId);
    assert.equal(decodeURIComponent(duplicate.headers.get('x-video-duplicate')!), 'Testclip');
    assert.equal((await db().selectFrom('web_videos').select('id').execute()).length, 1);
    assert.equal(readdirSync(privatePath(settings, ORIGINALS_DIR)).length, 1);

    // The admin: list, detail with the status panel, renditions inline, the upload pages.
    for (const url of ['/admin/nadooit_website/videos/', '/admin/nadooit_website/video_resolutions/', '/admin/nadooit_website/files/add', '/admin/nadooit_website/videos/add', `/admin/nadooit_website/videos/${videoId}/change`]) {
      assert.equal((await tus.client.get(url)).statusCode, 200, url);
    }
    const detail = await tus.client.get(`/admin/nadooit_website/videos/${videoId}/`);
    assert.match(detail.body, /id="video-status"/);
    assert.match(detail.body, /240p/);

    // {{ video }} renders a player on the master playlist with the poster.
    const sectionId = await createSection(db(), { name: 'Mit Video', html: '<section>{{ video }}</section>', videoId });
    const section = (await loadSections(db(), [sectionId])).get(sectionId)!;
    const html = String(SectionBlock({ ctx: { t: (k: string) => k } as never, section, options: { sessionId: 's', last: false, slot: '0' } }));
    assert.match(html, new RegExp(`<video class="web-video-player w-100" controls poster="/media/videos/${videoId}/poster.jpg" data-hls-src="/media/videos/${videoId}/master.m3u8"`));
  });

  it('refuses a file that is not a video and keeps nothing of it', async () => {
    const text = Buffer.from('Das ist kein Video, nur Text.\n'.repeat(100));
    const created = await create(tus, text.length, { filename: 'notes.mp4', title: 'Kein Video' });
    const location = created.headers.get('location')!;
    const refused = await patch(tus, location, 0, text);
    assert.equal(refused.status, 422);
    const body = (await refused.json()) as { code: string; message: string };
    assert.equal(body.code, 'not_a_video');
    assert.match(body.message, /kein lesbares Video|keine Videospur/);
    assert.equal((await db().selectFrom('web_videos').select('id').where('title', '=', 'Kein Video').execute()).length, 0);
    assert.equal((await db().selectFrom('web_video_uploads').select('id').where('id', '=', location.split('/').pop()!).execute()).length, 0);
    assert.equal(readdirSync(privatePath(h().settings, UPLOADS_DIR)).length, 0);
    const head = await fetch(`${tus.origin}${location}`, { method: 'HEAD', headers: headers(tus) });
    assert.equal(head.status, 404);
  });

  it('refuses uploads over the size limit, without the protocol header, without CSRF token, and from people without the permission', async () => {
    assert.equal((await create(tus, 21 * 1024 * 1024, { filename: 'big.mp4' })).status, 413);
    const noVersion = await fetch(`${tus.origin}${UPLOADS_PATH}`, { method: 'POST', headers: { 'upload-length': '10', 'x-csrftoken': tus.client.csrfToken, cookie: tus.client.cookieHeader() } });
    assert.equal(noVersion.status, 412);
    const noCsrf = await fetch(`${tus.origin}${UPLOADS_PATH}`, { method: 'POST', headers: { 'tus-resumable': '1.0.0', 'upload-length': '10', cookie: tus.client.cookieHeader() } });
    assert.equal(noCsrf.status, 403);
    const app = await h().app();
    const viewer = await staffLogin(app, await createStaff(db(), h().settings, { grants: [['nadooit_website.videos', 'view']] }));
    await viewer.get('/admin/');
    const refused = await fetch(`${tus.origin}${UPLOADS_PATH}`, { method: 'POST', headers: { 'tus-resumable': '1.0.0', 'upload-length': '10', 'x-csrftoken': viewer.csrfToken, cookie: viewer.cookieHeader() } });
    assert.equal(refused.status, 403);
    const anonymous = await fetch(`${tus.origin}${UPLOADS_PATH}`, { method: 'OPTIONS', redirect: 'manual' });
    assert.ok([302, 303, 401].includes(anonymous.status), String(anonymous.status));
  });
});
