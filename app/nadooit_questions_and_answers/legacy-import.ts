import { legacyOptionalText, legacyText, legacyTimestamp, legacyUuid } from '../core/legacy/values.js';
import { tableImport } from '../core/legacy/step.js';
import type { LegacyAppImport } from '../core/legacy/step.js';

/**
 * The original's questions with their answers. It had no publishing flag, and visitors' questions may name
 * people, so nothing is published by the import: staff choose what goes on the FAQ page.
 */
export const questionsLegacyImport: LegacyAppImport = {
  app: 'nadooit_questions_and_answers',
  steps: [
    tableImport({
      legacyTable: 'nadooit_questions_and_answers_question_answer',
      target: 'qa_questions',
      legacyKey: 'question_answer_id',
      map(row) {
        const asked = legacyTimestamp(row.question_answer_date, 'question_answer_date');
        const answer = legacyOptionalText(row.question_answer_answer, 'question_answer_answer')?.trim() || null;
        return {
          id: legacyUuid(row.question_answer_id, 'question_answer_id'),
          session_id: null,
          question: legacyText(row.question_answer_question, 'question_answer_question'),
          answer,
          is_published: false,
          answered_by_user_id: null,
          answered_at: answer !== null ? asked : null,
          created_at: asked,
          updated_at: asked,
        };
      },
      // Publishing decisions made here after the first import are kept.
      insertOnly: ['is_published'],
    }),
  ],
};
