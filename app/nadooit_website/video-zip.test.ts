import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { createWriteStream, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { before, it } from 'node:test';
import { describeEachBackend } from '../../test/support/harness.js';
import { intakeVideo } from './services/video-intake.js';
import { deleteVideoRows } from './services/videos.js';
import { entriesOf, zipOf } from './video/testing/archives.js';
import { makeClip, useSmallLadder } from './video/testing/clips.js';
import { masterPlaylistPath, privatePath, publicPath, publicVideoDir } from './video/storage.js';
import { BadArchive, exportVideos, importLimits, importVideos } from './video/zip.js';

describeEachBackend('video ZIP export and import', (h) => {
  const db = () => h().system.context.db.kysely;
  let videoId = '';
  let clip = '';

  before(async () => {
    useSmallLadder(h().settings);
    clip = makeClip({ seconds: 3 });
    const upload = path.join(path.dirname(clip), 'upload.mp4');
    await copyFile(clip, upload);
    const result = await intakeVideo(h().system.context, upload, { title: 'Rundreise', originalName: 'rundreise.mp4' });
    videoId = (result as { videoId: string }).videoId;
  });

  it('exports in the original layout and imports it back (round trip)', async () => {
    const context = h().system.context;
    const before = await db().selectFrom('web_videos').selectAll().where('id', '=', videoId).executeTakeFirstOrThrow();
    assert.equal(before.status, 'ready');
    const { stream, fileName } = await exportVideos(context, [videoId]);
    assert.equal(fileName, 'Rundreise_files.zip');
    const archive = path.join(tmpdir(), `export-${randomUUID()}.zip`);
    await pipeline(stream, createWriteStream(archive));
    const names = await entriesOf(archive);
    assert.ok(names.includes('video_data.json'));
    assert.ok(names.includes(`${videoId}.mp4`));
    assert.ok(names.includes('preview.jpg'));
    assert.ok(names.includes(`${videoId}_120p/index.m3u8`) && names.includes(`${videoId}_240p/index0.ts`), names.join(' '));

    // The video goes away completely, then comes back from the archive.
    await deleteVideoRows(db(), [videoId]);
    await rm(publicPath(h().settings, publicVideoDir(videoId)), { recursive: true });
    await rm(privatePath(h().settings, before.original_path));
    const lines: number[] = [];
    const result = await importVideos(context, archive, { limits: importLimits(h().settings), progress: (done) => lines.push(done) });
    assert.deepEqual(result.videos, [{ id: videoId, title: 'Rundreise', resolutions: 2 }]);
    assert.ok(lines.length > 3, 'progress is reported per file');
    const after = await db().selectFrom('web_videos').selectAll().where('id', '=', videoId).executeTakeFirstOrThrow();
    assert.equal(after.status, 'ready');
    assert.equal(after.content_hash, before.content_hash);
    assert.equal(after.preview_path, `videos/${videoId}/preview.jpg`);
    const rungs = await db().selectFrom('web_video_resolutions').select('resolution').where('video_id', '=', videoId).orderBy('resolution').execute();
    assert.deepEqual(rungs.map((r) => r.resolution), [120, 240]);
    assert.match(await readFile(publicPath(h().settings, masterPlaylistPath(videoId)), 'utf8'), /120p\/index\.m3u8[\s\S]*240p\/index\.m3u8/);
    assert.ok(existsSync(publicPath(h().settings, `videos/${videoId}/240p/index0.ts`)));
    assert.ok(existsSync(privatePath(h().settings, `original_videos/${videoId}.mp4`)));
  });

  it('refuses archives with ../, absolute paths, symlinks, unexpected files or a non-video, and writes nothing', async () => {
    const context = h().system.context;
    const id = randomUUID();
    const data = (extra: object = {}) => Buffer.from(JSON.stringify({ id, title: 'Böse', preview_image: null, original_file: 'clip.mp4', resolutions: [], ...extra }));
    const video = await readFile(clip);
    const cases: Array<[string, string, RegExp]> = [
      ['parent path', await zipOf([{ name: 'video_data.json', data: data() }, { name: 'clip.mp4', data: video }, { name: 'aa/evil.txt', data: Buffer.from('x') }], { 'aa/evil.txt': '../evil.txt' }), /invalid archive entry|leaving/],
      ['absolute path', await zipOf([{ name: 'video_data.json', data: data() }, { name: 'clip.mp4', data: video }, { name: 'xetc/passwd', data: Buffer.from('x') }], { 'xetc/passwd': '/etc/passwd' }), /invalid archive entry|absolute/],
      ['symlink', await zipOf([{ name: 'video_data.json', data: data() }, { name: 'clip.mp4', data: video, mode: 0o120777 }]), /symbolic link/],
      ['unexpected file', await zipOf([{ name: 'video_data.json', data: data() }, { name: 'clip.mp4', data: video }, { name: 'notes.txt', data: Buffer.from('x') }]), /unexpected file in the archive: notes\.txt/],
      ['path in the JSON', await zipOf([{ name: 'video_data.json', data: data({ original_file: '../../etc/passwd' }) }, { name: 'clip.mp4', data: video }]), /invalid file name/],
      ['preview not an image', await zipOf([{ name: 'video_data.json', data: data({ preview_image: 'preview.jpg' }) }, { name: 'clip.mp4', data: video }, { name: 'preview.jpg', data: Buffer.from('kein Bild') }]), /preview\.jpg: Nur JPEG-, PNG- oder WebP-Bilder/],
      ['not a video', await zipOf([{ name: 'video_data.json', data: data() }, { name: 'clip.mp4', data: Buffer.from('kein Video') }]), /clip\.mp4: Die Datei ist kein lesbares Video/],
      ['not a zip', await (async () => { const f = path.join(tmpdir(), `nz-${randomUUID()}.zip`); await writeFile(f, 'PK nonsense'); return f; })(), /not a readable ZIP/],
    ];
    const countRows = async () => (await db().selectFrom('web_videos').select('id').execute()).length;
    const rowsBefore = await countRows();
    const originalsBefore = readdirSync(privatePath(h().settings, 'original_videos')).length;
    for (const [label, archive, message] of cases) {
      await assert.rejects(importVideos(context, archive, { limits: importLimits(h().settings) }), (error: Error) => error instanceof BadArchive && message.test(error.message), label);
    }
    assert.equal(await countRows(), rowsBefore);
    assert.equal(existsSync(publicPath(h().settings, publicVideoDir(id))), false);
    assert.equal(readdirSync(privatePath(h().settings, 'original_videos')).length, originalsBefore);
    assert.equal(existsSync(path.join(h().settings.mediaRoot, '..', 'evil.txt')), false);
    assert.deepEqual(readdirSync(privatePath(h().settings, 'tmp')), [], 'no scratch left');
  });
});
