import type { Children } from '@kitajs/html';
import { Layout } from '../../core/ui/layout.js';
import type { PageContext } from '../../core/ui/page-context.js';
import type { Viewer } from '../access.js';
import { osAsset } from '../static-mount.js';

export function DashboardLayout(props: { ctx: PageContext; viewer: Viewer; title: string; children?: Children }): JSX.Element {
  return (
    <Layout ctx={props.ctx} title={props.title}>
      <link rel="stylesheet" href={osAsset('nadooit-os.css')} />
      <script src={osAsset('nadooit-os.js')} defer></script>
      <div
        id="os-request-error"
        class="alert alert-danger d-none"
        role="alert"
        data-message={props.ctx.t('os.request.error')}
        data-message-401={props.ctx.t('os.request.401')}
        data-message-403={props.ctx.t('os.request.403')}
        data-message-404={props.ctx.t('os.request.404')}
      ></div>
      {props.children}
    </Layout>
  );
}

export function PageHeader({ title, lead, actions }: { title: string; lead?: string; actions?: JSX.Element }): JSX.Element {
  return (
    <div class="d-flex flex-wrap align-items-center justify-content-between gap-2 mb-4">
      <div>
        <h1 class="h3 mb-1" safe>{title}</h1>
        {lead ? <p class="text-muted mb-0" safe>{lead}</p> : ''}
      </div>
      {actions ? <div class="d-flex gap-2">{actions}</div> : ''}
    </div>
  );
}
