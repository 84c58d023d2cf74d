import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import type { Settings } from '../core/config.js';
import { botSettings } from './settings.js';

const run = promisify(execFile);

export class AiUnavailable extends Error {
  constructor() {
    super('the AI features are off: OPENAI_API_KEY is not set');
  }
}

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The language and speech features of the bots, on any OpenAI-compatible API. */
export interface AiClient {
  /** False without OPENAI_API_KEY: the features are off and the bots say so. */
  readonly available: boolean;
  chat(messages: ChatTurn[]): Promise<string>;
  /** Transcribes an audio file (Telegram voice: OGG/Opus), converting it to WAV with ffmpeg first. */
  transcribe(audioFile: string): Promise<string>;
}

/**
 * ffmpeg (spawned without a shell, arguments as a list) turns the voice note into 16 kHz mono WAV in a
 * temporary folder, which is removed afterwards.
 */
export async function withWav<T>(input: string, use: (wav: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'nadooit-voice-'));
  const wav = path.join(dir, 'voice.wav');
  try {
    await run('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-i', input, '-ac', '1', '-ar', '16000', wav], { timeout: 120_000 });
    return await use(wav);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function aiClient(settings: Settings): AiClient {
  const config = botSettings(settings);
  const apiKey = config.openaiApiKey;
  if (!apiKey) {
    const off = async (): Promise<never> => {
      throw new AiUnavailable();
    };
    return { available: false, chat: off, transcribe: off };
  }
  const openai = new OpenAI({ apiKey, baseURL: config.openaiBaseUrl, maxRetries: 2, timeout: 120_000 });
  return {
    available: true,
    async chat(messages) {
      const completion = await openai.chat.completions.create({ model: config.openaiChatModel, messages });
      return completion.choices[0]?.message?.content?.trim() ?? '';
    },
    async transcribe(audioFile) {
      return withWav(audioFile, async (wav) => {
        const result = await openai.audio.transcriptions.create({ model: config.openaiTranscriptionModel, file: createReadStream(wav) });
        return result.text.trim();
      });
    },
  };
}
