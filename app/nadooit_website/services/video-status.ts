import type { Tx } from '../../core/db/transaction.js';
import { findVideo, queuePosition } from './videos.js';

export interface VideoStatusView {
  id: string;
  status: string;
  permille: number;
  perRendition: Record<string, number>;
  etaSeconds: number | null;
  queuePosition: number | null;
  error: string | null;
  attempts: number;
}

/** The admin's live view of one video's transcoding. */
export async function loadStatusView(db: Tx, id: string): Promise<VideoStatusView | undefined> {
  const video = await findVideo(db, id);
  if (!video) return undefined;
  return {
    id: video.id,
    status: video.status,
    permille: video.progress_permille,
    perRendition: JSON.parse(video.progress_json) as Record<string, number>,
    etaSeconds: video.eta_seconds,
    queuePosition: await queuePosition(db, video),
    error: video.error,
    attempts: video.attempts,
  };
}
