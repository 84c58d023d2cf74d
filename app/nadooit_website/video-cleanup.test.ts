import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { describeEachBackend } from '../../test/support/harness.js';
import { cleanupVideoDerivatives } from './services/video-cleanup.js';
import { createUploadRow, insertVideo } from './services/videos.js';

function put(root: string, relative: string, content = 'x'): string {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

describeEachBackend('cleanup of orphaned video derivatives', (h) => {
  it('lists with --dry-run, then removes only derivatives no video owns; downloads and voice files stay', async () => {
    const context = h().system.context;
    const root = h().settings.mediaRoot;
    const videoId = randomUUID();
    await insertVideo(context.db.kysely, {
      id: videoId,
      title: 'Behalten',
      contentHash: randomUUID(),
      originalPath: `original_videos/${videoId}.mp4`,
      originalName: 'a.mp4',
      originalSize: 1,
      probe: { container: 'mov,mp4', videoCodec: 'h264', audioCodec: null, durationMs: 1000, width: 320, height: 240, frameRate: '25/1' },
    });
    await context.db.kysely.updateTable('web_videos').set({ status: 'ready' }).where('id', '=', videoId).execute();
    const liveUpload = randomUUID();
    await createUploadRow(context.db.kysely, { id: liveUpload, userId: randomUUID(), length: 10, metadata: {}, ttlMs: 3600_000 });

    const keep = [
      put(root, `videos/${videoId}/master.m3u8`),
      put(root, `videos/${videoId}/120p/index0.ts`),
      put(root, `private/original_videos/${videoId}.mp4`),
      put(root, 'uploads/4f1c2b7e-0000-4000-8000-000000000001/Preisliste.pdf'),
      put(root, 'private/voice_files/0b5d.oga'),
      put(root, 'private/exports/report.csv'),
      put(root, `private/uploads/${liveUpload}`),
      put(root, 'logo.svg'),
    ];
    const orphan = randomUUID();
    const old = put(root, `videos/${videoId}/.old-240p-abcd/index0.ts`);
    utimesSync(path.dirname(old), new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    const gone = [put(root, `videos/${orphan}/240p/index0.ts`), put(root, `private/transcode/${randomUUID()}/ab/index0.ts`), put(root, `private/uploads/${randomUUID()}`), old];

    const dry = await cleanupVideoDerivatives(context, { dryRun: true });
    assert.deepEqual(
      [...dry.removed].sort(),
      [`videos/${orphan}`, `videos/${videoId}/.old-240p-abcd`, path.relative(root, path.dirname(path.dirname(gone[1]!))), path.relative(root, gone[2]!)].sort(),
    );
    for (const file of [...keep, ...gone]) assert.ok(existsSync(file), `dry run keeps ${file}`);

    const real = await cleanupVideoDerivatives(context, { dryRun: false });
    assert.deepEqual([...real.removed].sort(), [...dry.removed].sort());
    for (const file of keep) assert.ok(existsSync(file), `kept ${file}`);
    for (const file of gone) assert.equal(existsSync(file), false, `removed ${file}`);
  });
});
