import type { MessageCatalog } from '../core/ui/i18n.js';

export const botMessages: MessageCatalog = {
  de: {
    'bots.code.missing': 'Für diesen Bot ist kein Code registriert — seine Nachrichten werden gespeichert, aber nicht beantwortet.',
    'bots.code.present': 'Code registriert',
    'bots.webhook.set': 'Webhook gesetzt: {url}',
    'bots.webhook.deleted': 'Webhook entfernt.',
    'bots.webhook.verify_token': 'Verify-Token für das Meta-Dashboard (wird nur jetzt angezeigt): {secret}',
    'bots.broadcast.queued': 'Rundsendung eingeplant.',
    'bots.history': 'Verlauf',
  },
  en: {
    'bots.code.missing': 'No code is registered for this bot — its messages are stored but not answered.',
    'bots.code.present': 'Code registered',
    'bots.webhook.set': 'Webhook set: {url}',
    'bots.webhook.deleted': 'Webhook removed.',
    'bots.webhook.verify_token': 'Verify token for the Meta dashboard (shown only now): {secret}',
    'bots.broadcast.queued': 'Broadcast queued.',
    'bots.history': 'History',
  },
};
