import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../core/app-module.js';
import { pageContext } from '../core/ui/page-context.js';
import { authorizeSignal, isBotRequest, parse, uuid, visitorEndpoints } from '../nadooit_website/protection.js';
import { MAX_QUESTION_LENGTH, askQuestion, publishedFaq } from './services.js';
import { FaqPage } from './views/faq.js';

const questionBody = z.object({ question: z.string().trim().min(3).max(MAX_QUESTION_LENGTH) });

export async function questionRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  const db = () => context.db.kysely;

  app.get('/faq', async (request, reply) => {
    const entries = await publishedFaq(db());
    return reply.html(<FaqPage ctx={await pageContext(request)} entries={entries} />);
  });

  // The question form of a website section (website.js posts it with the page's signal token).
  await visitorEndpoints(app, (scope, limits) => {
    scope.post('/your_question_we_answer/question/:session', limits, async (request) => {
      const { session } = parse(z.object({ session: uuid }), request.params, 'session id');
      authorizeSignal(request, context.settings.secretKey, session);
      const { question } = parse(questionBody, request.body ?? {}, 'question');
      const result = await askQuestion(db(), { sessionId: session, question, isBot: isBotRequest(request) });
      return { ok: true, recorded: result.scored };
    });
  });
}
