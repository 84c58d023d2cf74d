import type { MessageCatalog } from '../core/ui/i18n.js';

export const opsMessages: MessageCatalog = {
  de: {
    'ops.media.login_required': 'Bitte melden Sie sich an, um diese Datei zu öffnen.',
    'ops.media.forbidden': 'Sie haben keine Berechtigung für diese Datei.',
  },
  en: {
    'ops.media.login_required': 'Please sign in to open this file.',
    'ops.media.forbidden': 'You are not allowed to open this file.',
  },
};
