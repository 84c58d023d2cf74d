import type { MessageCatalog } from '../core/ui/i18n.js';

export const websiteMessages: MessageCatalog = {
  de: {
    'website.home.title': 'Startseite',
    'website.nav.home': 'Startseite',
    'website.nav.portal': 'NADOOIT OS',
    'website.footer': 'NADOOIT · Individuelle Softwarelösungen und digitale Mitarbeiter',
    'website.vote.label': 'Wie hilfreich ist dieser Abschnitt?',
    'website.vote.up': 'Hilfreich',
    'website.vote.down': 'Nicht hilfreich',
    'website.preview.banner': 'Vorschau dieser Reihenfolge — es wird nichts gezählt.',
    'website.legal': 'Rechtliches',
    'website.nav.impressum': 'Impressum',
    'website.nav.datenschutz': 'Datenschutz',
  },
  en: {
    'website.home.title': 'Home',
    'website.nav.home': 'Home',
    'website.nav.portal': 'NADOOIT OS',
    'website.footer': 'NADOOIT · Custom software and digital workers',
    'website.vote.label': 'How helpful is this section?',
    'website.vote.up': 'Helpful',
    'website.vote.down': 'Not helpful',
    'website.preview.banner': 'Preview of this order — nothing is counted.',
    'website.legal': 'Legal',
    'website.nav.impressum': 'Legal notice',
    'website.nav.datenschutz': 'Privacy',
  },
};
