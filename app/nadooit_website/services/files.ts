import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Settings } from '../../core/config.js';
import type { Tx } from '../../core/db/transaction.js';
import { HttpError } from '../../core/http/errors.js';
import { PUBLIC_DOWNLOADS_DIR, publicPath } from '../video/storage.js';
import '../video/models.js';

/** Downloads ({{ file }}): every statement on web_files, and their files under MEDIA_ROOT/uploads/<id>/. */

const now = () => new Date().toISOString();

export interface EmbedFile {
  id: string;
  name: string;
  path: string;
  originalName: string;
  size: number;
  contentType: string;
}

/** A file name that is safe as one path segment: no separators, no leading dot, no control characters. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '').replace(/^\.+/, '').trim().slice(0, 180);
  return clean || 'download';
}

/** Stores an uploaded stream as a public download and records it; the file is removed if the row is not written. */
export async function storeFile(
  tx: Tx,
  settings: Pick<Settings, 'mediaRoot'>,
  input: { name: string; originalName: string; contentType: string; stream: Readable; maxBytes: number },
): Promise<string> {
  const id = randomUUID();
  const fileName = safeFileName(input.originalName);
  const relative = `${PUBLIC_DOWNLOADS_DIR}/${id}/${fileName}`;
  const target = publicPath(settings, relative);
  await mkdir(path.dirname(target), { recursive: true });
  const hash = createHash('sha256');
  let size = 0;
  try {
    await pipeline(
      input.stream,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          size += chunk.length;
          if (size > input.maxBytes) throw new HttpError(413, 'too_large', 'The file is larger than the limit');
          hash.update(chunk);
          yield chunk;
        }
      },
      createWriteStream(target),
    );
    if (size === 0) throw new HttpError(400, 'empty_file', 'The file is empty');
    const at = now();
    await tx
      .insertInto('web_files')
      .values({ id, name: (input.name.trim() || fileName).slice(0, 200), path: relative, original_name: fileName, size, content_type: input.contentType.slice(0, 100) || 'application/octet-stream', content_hash: hash.digest('hex'), created_at: at, updated_at: at })
      .execute();
    return id;
  } catch (error) {
    await rm(path.dirname(target), { recursive: true, force: true });
    throw error;
  }
}

export async function embeddableFiles(db: Tx, ids: string[]): Promise<Map<string, EmbedFile>> {
  const unique = [...new Set(ids)];
  const out = new Map<string, EmbedFile>();
  if (!unique.length) return out;
  const rows = await db.selectFrom('web_files').selectAll().where('id', 'in', unique).execute();
  for (const r of rows) out.set(r.id, { id: r.id, name: r.name, path: r.path, originalName: r.original_name, size: r.size, contentType: r.content_type });
  return out;
}

/** Deletes file rows (sections lose their download) and returns their folders for removal after commit. */
export async function deleteFileRows(tx: Tx, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await tx.selectFrom('web_files').select(['path']).where('id', 'in', ids).execute();
  await tx.updateTable('web_sections').set({ file_id: null }).where('file_id', 'in', ids).execute();
  await tx.deleteFrom('web_files').where('id', 'in', ids).execute();
  return rows.map((r) => path.posix.dirname(r.path));
}
