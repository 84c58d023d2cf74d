import type { BotSettings, Settings } from '../core/config.js';

const DEFAULTS: BotSettings = {
  webhookBaseUrl: 'https://localhost',
  telegramApiRoot: 'https://api.telegram.org',
  whatsappGraphApiRoot: 'https://graph.facebook.com/v21.0',
  openaiChatModel: 'gpt-4o-mini',
  openaiTranscriptionModel: 'whisper-1',
};

/** The bot settings (settings built by hand in a test may lack them). */
export function botSettings(settings: Settings): BotSettings {
  return settings.bots ?? { ...DEFAULTS, webhookBaseUrl: `https://${settings.domain}` };
}
