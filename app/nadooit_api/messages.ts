import type { MessageCatalog } from '../core/ui/i18n.js';

export const apiMessages: MessageCatalog = {
  de: {
    'api.error.validation': 'Die Anfrage ist ungültig; siehe details.',
    'api.docs.title': 'NADOOIT API',
    'api.docs.description':
      'REST-API der NADOOIT: Kunden, Programme, Zeitkonten mit Buchungsjournal, Buchungen (Ausführungen) mit Summen und CSV-Export, Reklamationen. Anmeldung per `Authorization: Bearer <API Key>` oder Sitzung (Schreibzugriffe mit X-CSRFToken).',
  },
  en: {
    'api.error.validation': 'The request is invalid; see details.',
    'api.docs.title': 'NADOOIT API',
    'api.docs.description':
      "NADOOIT's REST API: customers, programs, time accounts with their ledger, bookings (executions) with sums and CSV export, complaints. Authenticate with `Authorization: Bearer <API key>` or a session (writes need X-CSRFToken).",
  },
};
