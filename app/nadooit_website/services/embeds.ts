import type { Tx } from '../../core/db/transaction.js';
import { embeddableFiles } from './files.js';
import type { EmbedFile } from './files.js';
import { embeddableVideos } from './videos.js';
import type { EmbedVideo } from './videos.js';

/** Loads the videos and files of a page's sections in two queries (not one per section). */
export async function attachEmbeds(db: Tx, sections: Array<{ videoId: string | null; fileId: string | null; video?: EmbedVideo; file?: EmbedFile }>): Promise<void> {
  const videos = await embeddableVideos(db, sections.flatMap((s) => (s.videoId ? [s.videoId] : [])));
  const files = await embeddableFiles(db, sections.flatMap((s) => (s.fileId ? [s.fileId] : [])));
  for (const section of sections) {
    section.video = section.videoId ? videos.get(section.videoId) : undefined;
    section.file = section.fileId ? files.get(section.fileId) : undefined;
  }
}
