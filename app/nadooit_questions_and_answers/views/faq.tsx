import type { PageContext } from '../../core/ui/page-context.js';
import { WebsiteLayout } from '../../nadooit_website/views/page.js';
import type { FaqEntry } from '../services.js';

/** The published questions and answers (plain text, escaped). */
export function FaqPage({ ctx, entries }: { ctx: PageContext; entries: FaqEntry[] }): JSX.Element {
  return (
    <WebsiteLayout ctx={ctx} title={ctx.t('qa.faq.title')}>
      <section class="container py-4">
        <h1 class="h2 mb-4" safe>
          {ctx.t('qa.faq.title')}
        </h1>
        {entries.length === 0 ? (
          <p class="text-secondary" safe>
            {ctx.t('qa.faq.empty')}
          </p>
        ) : (
          <div class="accordion" id="faq">
            {entries.map((entry, i) => (
              <div class="accordion-item">
                <h2 class="accordion-header">
                  <button class={`accordion-button${i === 0 ? '' : ' collapsed'}`} type="button" data-bs-toggle="collapse" data-bs-target={`#faq-${entry.id}`} aria-expanded={i === 0 ? 'true' : 'false'} safe>
                    {entry.question}
                  </button>
                </h2>
                <div id={`faq-${entry.id}`} class={`accordion-collapse collapse${i === 0 ? ' show' : ''}`} data-bs-parent="#faq">
                  <div class="accordion-body web-faq-answer" safe>
                    {entry.answer}
                  </div>
                </div>
              </div>
            ))}
          </div>
        )}
      </section>
    </WebsiteLayout>
  );
}
