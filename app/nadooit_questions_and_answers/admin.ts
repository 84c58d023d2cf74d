import { createdAt, flag, relation, updatedAt } from '../core/admin/fields.js';
import type { AdminResource } from '../core/admin/types.js';
import { answerQuestion } from './services.js';
import './models.js';

/** Visitors' questions: staff write the answer and publish it in the FAQ (/faq). */
export const questionsResource: AdminResource = {
  app: 'nadooit_questions_and_answers',
  appLabel: { de: 'Fragen und Antworten', en: 'Questions and answers' },
  name: 'questions',
  table: 'qa_questions',
  label: { de: 'Frage', en: 'Question' },
  labelPlural: { de: 'Fragen', en: 'Questions' },
  title: { columns: ['question'], format: (row) => String(row.question).slice(0, 80) },
  fields: [
    { name: 'question', label: { de: 'Frage', en: 'Question' }, type: 'textarea', readOnly: true },
    { name: 'answer', label: { de: 'Antwort', en: 'Answer' }, type: 'textarea', maxLength: 10_000, help: { de: 'Reiner Text; erscheint so in den FAQ.', en: 'Plain text; shown like this in the FAQ.' } },
    flag('is_published', { de: 'In den FAQ veröffentlicht', en: 'Published in the FAQ' }, { help: { de: 'Nur mit Antwort möglich.', en: 'Needs an answer.' } }),
    relation('answered_by_user_id', { de: 'Beantwortet von', en: 'Answered by' }, 'nadooit_auth.users', 'set null', { readOnly: true }),
    { name: 'answered_at', label: { de: 'Beantwortet am', en: 'Answered at' }, type: 'datetime', readOnly: true },
    relation('session_id', { de: 'Besuchersitzung', en: 'Visitor session' }, 'nadooit_website.sessions', 'set null', { readOnly: true }),
    createdAt({ de: 'Gestellt', en: 'Asked' }),
    updatedAt(),
  ],
  list: {
    columns: ['created_at', 'question', 'is_published', 'answered_at'],
    search: ['question', 'answer'],
    filters: ['is_published', 'created_at'],
    ordering: { field: 'created_at', direction: 'desc' },
    sortable: ['created_at'],
  },
  allow: { add: false },
  hooks: {
    update: async (ctx, id, values) => answerQuestion(ctx.tx, { id, answer: (values.answer as string | null) ?? null, publish: !!values.is_published, staffUserId: ctx.actor.id }),
  },
};

export const questionResources: AdminResource[] = [questionsResource];
