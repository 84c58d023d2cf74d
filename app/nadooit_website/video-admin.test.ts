import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createStaff, staffLogin } from '../../test/e2e/admin-support.js';
import type { TestClient } from '../../test/support/http.js';
import { describeEachBackend } from '../../test/support/harness.js';
import { intakeVideo } from './services/video-intake.js';
import { deleteVideoRows } from './services/videos.js';
import { entriesOf, zipOf } from './video/testing/archives.js';
import { makeClip, useSmallLadder } from './video/testing/clips.js';
import { privatePath, publicPath, publicVideoDir } from './video/storage.js';

const VIDEOS = '/admin/nadooit_website/videos/';

/** A multipart form as the browser sends it: fields (the CSRF token unless left out) and one file. */
async function postForm(app: FastifyInstance, client: TestClient, url: string, file: { name: string; data: Buffer }, options: { csrf?: boolean } = {}) {
  const boundary = `----nadooit${randomUUID()}`;
  const fields: Record<string, string> = options.csrf === false ? {} : { csrfmiddlewaretoken: client.csrfToken };
  const parts: Buffer[] = Object.entries(fields).map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`), file.data, Buffer.from(`\r\n--${boundary}--\r\n`));
  return app.inject({ method: 'POST', url, payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: client.cookieHeader() } });
}

/** A small picture made by ffmpeg (never committed). */
function picture(ext: 'png' | 'jpg'): Buffer {
  const file = path.join(tmpdir(), `nadooit-preview-${randomUUID()}.${ext}`);
  const result = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=red:s=64x36', '-frames:v', '1', file], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return readFileSync(file);
}

describeEachBackend('video admin: ZIP export and import, own preview image', (h) => {
  const db = () => h().system.context.db.kysely;
  let app: FastifyInstance;
  let admin: TestClient;
  const ids: string[] = [];
  const tempFiles = () => (existsSync(privatePath(h().settings, 'tmp')) ? readdirSync(privatePath(h().settings, 'tmp')) : []);

  before(async () => {
    useSmallLadder(h().settings);
    for (const [title, size] of [['Erstes', '320x240'], ['Zweites', '240x180']] as const) {
      const clip = makeClip({ seconds: 2, size });
      const upload = path.join(path.dirname(clip), 'upload.mp4');
      await copyFile(clip, upload);
      const result = await intakeVideo(h().system.context, upload, { title, originalName: `${title}.mp4` });
      ids.push((result as { videoId: string }).videoId);
    }
    app = await h().app();
    admin = await staffLogin(app, await createStaff(db(), h().settings, { superuser: true }));
  });

  it('exports the selected videos (every one) as a streamed ZIP through the admin action, and imports it back', async () => {
    const list = await admin.get(VIDEOS);
    assert.match(list.body, /value="export_zip"/, 'the action is offered in the list');
    const confirm = await admin.post(`${VIDEOS}action`, { action: 'export_zip', ids });
    assert.equal(confirm.statusCode, 200, 'asks for confirmation first');
    const run = await admin.post(`${VIDEOS}action`, { action: 'export_zip', ids, confirm: '1' });
    assert.equal(run.statusCode, 303);
    const link = String(run.headers.location);
    assert.match(link, /\/videos\/export\.zip\?ids=/);
    const download = await admin.get(link);
    assert.equal(download.statusCode, 200);
    assert.equal(download.headers['content-type'], 'application/zip');
    assert.match(String(download.headers['content-disposition']), /^attachment; filename="videos_files\.zip"/);
    const archive = path.join(tmpdir(), `admin-export-${randomUUID()}.zip`);
    await writeFile(archive, download.rawPayload);
    const names = await entriesOf(archive);
    for (const id of ids) {
      assert.ok(names.includes(`${id}/video_data.json`), `${id} is in the archive: ${names.join(' ')}`);
      assert.ok(names.includes(`${id}/${id}_120p/index.m3u8`));
    }

    // Both videos go away, then come back through the import form.
    await deleteVideoRows(db(), ids);
    for (const id of ids) await rm(publicPath(h().settings, publicVideoDir(id)), { recursive: true, force: true });
    const form = await admin.get(`${VIDEOS}import`);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /name="csrfmiddlewaretoken"/);
    const imported = await postForm(app, admin, `${VIDEOS}import`, { name: 'videos.zip', data: download.rawPayload });
    assert.equal(imported.statusCode, 303, imported.body);
    assert.equal(imported.headers.location, VIDEOS);
    const after = await admin.get(VIDEOS);
    assert.match(after.body, /2 Video\(s\) importiert: .*„Erstes“ \(2 Auflösung\(en\)\)/);
    const rows = await db().selectFrom('web_videos').select(['id', 'status']).where('id', 'in', ids).execute();
    assert.deepEqual(rows.map((r) => r.status), ['ready', 'ready']);
    assert.deepEqual(tempFiles(), [], 'the uploaded archive is gone');
  });

  it('refuses a bad archive in the admin with the reason and writes nothing; CSRF and permission are checked', async () => {
    const id = randomUUID();
    const data = Buffer.from(JSON.stringify({ id, title: 'Böse', preview_image: null, original_file: 'clip.mp4', resolutions: [] }));
    const evil = await readFile(await zipOf([{ name: 'video_data.json', data }, { name: 'clip.mp4', data: await readFile(makeClip({ seconds: 1 })) }, { name: 'aa/evil.txt', data: Buffer.from('x') }], { 'aa/evil.txt': '../evil.txt' }));
    const count = async () => (await db().selectFrom('web_videos').select('id').execute()).length;
    const before = await count();

    await admin.get(`${VIDEOS}import`);
    const refused = await postForm(app, admin, `${VIDEOS}import`, { name: 'evil.zip', data: evil });
    assert.equal(refused.statusCode, 422);
    assert.match(refused.body, /Archiv abgelehnt, nichts wurde geschrieben: (invalid archive entry|path leaving the archive)/);
    assert.match(refused.body, /name="file"/, 'the form is shown again');
    assert.equal(await count(), before);
    assert.equal(existsSync(publicPath(h().settings, publicVideoDir(id))), false);
    assert.equal(existsSync(path.join(h().settings.mediaRoot, '..', 'evil.txt')), false);

    const notZip = await postForm(app, admin, `${VIDEOS}import`, { name: 'notes.zip', data: Buffer.from('kein Archiv') });
    assert.equal(notZip.statusCode, 422);
    assert.match(notZip.body, /not a readable ZIP archive/);

    const noCsrf = await postForm(app, admin, `${VIDEOS}import`, { name: 'evil.zip', data: evil }, { csrf: false });
    assert.equal(noCsrf.statusCode, 403);
    const viewer = await staffLogin(app, await createStaff(db(), h().settings, { grants: [['nadooit_website.videos', 'view']] }));
    await viewer.get(VIDEOS);
    assert.equal((await viewer.get(`${VIDEOS}import`)).statusCode, 403);
    assert.equal((await postForm(app, viewer, `${VIDEOS}import`, { name: 'evil.zip', data: evil })).statusCode, 403, 'import needs the add permission');
    const viewerExport = await viewer.get(`${VIDEOS}export.zip?ids=${ids[0]}`);
    assert.equal(viewerExport.statusCode, 200, 'export needs the view permission, as the action does');
    const stranger = await staffLogin(app, await createStaff(db(), h().settings, { grants: [['nadooit_website.files', 'view']] }));
    assert.equal((await stranger.get(`${VIDEOS}export.zip?ids=${ids[0]}`)).statusCode, 403);
    const anonymous = await app.inject({ url: `${VIDEOS}export.zip?ids=${ids[0]}` });
    assert.ok([302, 303, 401, 403].includes(anonymous.statusCode) && anonymous.headers['content-type'] !== 'application/zip', `anonymous people are refused (${anonymous.statusCode})`);
    assert.deepEqual(tempFiles(), [], 'no uploaded file is left behind, also after refusals');
  });

  it('takes an own preview image (checked by content and size) in place of the poster frame', async () => {
    const id = ids[0]!;
    const video = await db().selectFrom('web_videos').select(['preview_path', 'poster_generated']).where('id', '=', id).executeTakeFirstOrThrow();
    const url = `${VIDEOS}${id}/preview`;
    const page = await admin.get(url);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /enctype="multipart\/form-data"/);

    const text = await postForm(app, admin, url, { name: 'bild.png', data: Buffer.from('<svg onload="alert(1)"></svg>') });
    assert.equal(text.statusCode, 422, 'the name says PNG, the content does not');
    assert.match(text.body, /Nur JPEG-, PNG- oder WebP-Bilder/);
    const broken = await postForm(app, admin, url, { name: 'kaputt.png', data: Buffer.concat([picture('png').subarray(0, 16), Buffer.alloc(200, 1)]) });
    assert.equal(broken.statusCode, 422);
    assert.match(broken.body, /beschädigt oder nicht lesbar/);
    const big = await postForm(app, admin, url, { name: 'riesig.jpg', data: Buffer.concat([picture('jpg'), Buffer.alloc(10 * 1024 * 1024)]) });
    assert.equal(big.statusCode, 413);
    assert.match(big.body, /größer als 10 MB/);
    const unchanged = await db().selectFrom('web_videos').select(['preview_path', 'poster_generated']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual(unchanged, video);

    const done = await postForm(app, admin, url, { name: 'eigenes.png', data: picture('png') });
    assert.equal(done.statusCode, 303, done.body);
    const now = await db().selectFrom('web_videos').select(['preview_path', 'poster_generated']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.match(now.preview_path ?? '', new RegExp(`^videos/${id}/preview-[0-9a-f]{12}\\.png$`), 'stored by its content type');
    assert.equal(now.poster_generated, false);
    const served = await app.inject({ url: `/media/${now.preview_path}` });
    assert.equal(served.statusCode, 200, 'public media');
    assert.equal(existsSync(publicPath(h().settings, video.preview_path!)), false, 'the earlier preview is removed');
    assert.deepEqual(tempFiles(), []);

    const viewer = await staffLogin(app, await createStaff(db(), h().settings, { grants: [['nadooit_website.videos', 'view']] }));
    await viewer.get(VIDEOS);
    assert.equal((await postForm(app, viewer, url, { name: 'x.png', data: picture('png') })).statusCode, 403, 'replacing needs the change permission');
  });
});
