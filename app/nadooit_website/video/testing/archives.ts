import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import yazl from 'yazl';

/** The entry names of a ZIP file, sorted. */
export function entriesOf(file: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: false }, (error, zip) => {
      if (error) return reject(error);
      const names: string[] = [];
      zip.on('entry', (e: yauzl.Entry) => names.push(e.fileName));
      zip.on('end', () => resolve(names.sort()));
    }),
  );
}

/** A ZIP from buffers; `rename` patches names afterwards (same length), since yazl itself refuses bad ones. */
export async function zipOf(files: Array<{ name: string; data: Buffer; mode?: number }>, rename: Record<string, string> = {}): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const f of files) zip.addBuffer(f.data, f.name, f.mode ? { mode: f.mode } : {});
  zip.end();
  const file = path.join(tmpdir(), `nadooit-zip-${randomUUID()}.zip`);
  await pipeline(zip.outputStream, createWriteStream(file));
  let bytes = await readFile(file);
  for (const [from, to] of Object.entries(rename)) {
    assert.equal(from.length, to.length);
    bytes = Buffer.from(bytes.toString('latin1').replaceAll(from, to), 'latin1');
  }
  await writeFile(file, bytes);
  return file;
}
