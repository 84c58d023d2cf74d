import type { MessageCatalog } from '../core/ui/i18n.js';

export const complaintMessages: MessageCatalog = {
  de: {
    'complaints.status.OPEN': 'Offen',
    'complaints.status.IN_PROGRESS': 'In Bearbeitung',
    'complaints.status.ACCEPTED': 'Angenommen',
    'complaints.status.REJECTED': 'Abgelehnt',
    'complaints.title': 'Reklamationen',
    'complaints.file': 'Reklamieren',
    'complaints.modal.title': 'Ausführung reklamieren',
  },
  en: {
    'complaints.status.OPEN': 'Open',
    'complaints.status.IN_PROGRESS': 'In progress',
    'complaints.status.ACCEPTED': 'Accepted',
    'complaints.status.REJECTED': 'Rejected',
    'complaints.title': 'Complaints',
    'complaints.file': 'Complain',
    'complaints.modal.title': 'Complain about this run',
  },
};
