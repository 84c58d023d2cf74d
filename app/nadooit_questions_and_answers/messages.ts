import type { MessageCatalog } from '../core/ui/i18n.js';

export const questionMessages: MessageCatalog = {
  de: {
    'qa.faq.title': 'Ihre Fragen, unsere Antworten',
    'qa.faq.empty': 'Noch keine veröffentlichten Antworten. Stellen Sie Ihre Frage auf der Startseite.',
  },
  en: {
    'qa.faq.title': 'Your questions, our answers',
    'qa.faq.empty': 'No published answers yet. Ask your question on the home page.',
  },
};
