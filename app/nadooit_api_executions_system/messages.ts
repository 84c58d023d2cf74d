import type { MessageCatalog } from '../core/ui/i18n.js';

export const executionMessages: MessageCatalog = {
  de: {
    'executions.error.invalid_time_saved': 'time_saved muss eine ganze Zahl von Sekunden zwischen 0 und {max} sein.',
    'executions.error.program_inactive': 'Das Programm ist deaktiviert; es nimmt keine Buchungen an.',
    'executions.error.program_not_found': 'Das Programm existiert nicht.',
    'executions.error.program_without_customer': 'Das Programm ist keinem Kunden zugeordnet.',
    'executions.error.idempotency_conflict': 'Dieser Idempotency-Key wurde bereits für eine andere Buchung verwendet.',
    'executions.error.idempotency_key_too_long': 'Der Idempotency-Key darf höchstens {max} Zeichen lang sein.',
    'executions.error.key_other_customer': 'Dieser API-Schlüssel gilt nicht für den Kunden dieses Programms.',
    'executions.error.rate_limited': 'Zu viele Anfragen. Bitte warten Sie einen Moment.',
    'executions.status.NOT_PAID': 'Offen',
    'executions.status.PAID': 'Bezahlt',
    'executions.status.REFUNDED': 'Erstattet',
    'executions.status.REVOKED': 'Storniert',
  },
  en: {
    'executions.error.invalid_time_saved': 'time_saved must be a whole number of seconds from 0 to {max}.',
    'executions.error.program_inactive': 'Program is not active; it accepts no bookings.',
    'executions.error.program_not_found': 'Program does not exist.',
    'executions.error.program_without_customer': 'Program belongs to no customer.',
    'executions.error.idempotency_conflict': 'This Idempotency-Key was already used for a different booking.',
    'executions.error.idempotency_key_too_long': 'The Idempotency-Key may be at most {max} characters long.',
    'executions.error.key_other_customer': "This API key is not valid for this program's customer.",
    'executions.error.rate_limited': 'Too many requests. Please wait a moment.',
    'executions.status.NOT_PAID': 'Open',
    'executions.status.PAID': 'Paid',
    'executions.status.REFUNDED': 'Refunded',
    'executions.status.REVOKED': 'Revoked',
  },
};
