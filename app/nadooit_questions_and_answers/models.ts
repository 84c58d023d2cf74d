import { registerBooleanColumns } from '../core/db/dialects/columns.js';
import '../nadooit_website/models.js';

/** A visitor's question from the website's question form; staff answer it and may publish it in the FAQ. */
export interface QaQuestionsTable {
  id: string;
  /** The website session it was asked in (the question stays when sessions are cleaned up). */
  session_id: string | null;
  question: string;
  answer: string | null;
  is_published: boolean;
  answered_by_user_id: string | null;
  answered_at: string | null;
  created_at: string;
  updated_at: string;
}

declare module '../core/db/schema.js' {
  interface Database {
    qa_questions: QaQuestionsTable;
  }
}
registerBooleanColumns('is_published');
