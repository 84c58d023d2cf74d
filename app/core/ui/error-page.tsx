import type { PageContext } from './page-context.js';
import { Layout } from './layout.js';

/** `reason` says what was wrong with this request (shown under the status text); `detail` is the debug trace. */
export function ErrorPage({ ctx, status, reason, detail }: { ctx: PageContext; status: number; reason?: string; detail?: string }): JSX.Element {
  const known = [400, 403, 404, 405, 413, 429, 500].includes(status) ? status : status >= 500 ? 500 : 400;
  return (
    <Layout ctx={ctx} title={ctx.t('core.error.title', { status })}>
      <div class="card">
        <div class="card-body p-5 text-center">
          <h1 class="display-6" safe>{ctx.t('core.error.title', { status })}</h1>
          <p class="lead" safe>{ctx.t(`core.error.${known}`)}</p>
          {reason ? <p class="text-danger" safe>{reason}</p> : ''}
          {detail ? <pre class="text-start small bg-light p-3" safe>{detail}</pre> : ''}
          <a class="btn btn-primary" href="/" safe>
            {ctx.t('core.error.back')}
          </a>
        </div>
      </div>
    </Layout>
  );
}
