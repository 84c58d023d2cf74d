import { CsrfField, DataTable } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import type { UserSession } from '../services/sessions.js';
import { formatDateTime } from './format.js';
import { AuthPage } from './layout.js';

export function SessionsPage({ ctx, sessions, currentId, timeZone }: { ctx: PageContext; sessions: UserSession[]; currentId: string; timeZone: string }): JSX.Element {
  const t = ctx.t;
  return (
    <AuthPage ctx={ctx} title={t('auth.sessions.title')}>
      <div class="d-flex justify-content-between align-items-center mb-3 flex-wrap gap-2">
        <h1 class="h3 mb-0" safe>{t('auth.sessions.title')}</h1>
        <div class="d-flex gap-2">
          <form method="post" action="/auth/sessions/revoke-others" data-confirm={t('auth.sessions.revoke_others_confirm')}>
            <CsrfField ctx={ctx} />
            <button type="submit" class="btn btn-outline-danger" safe>
              {t('auth.sessions.revoke_others')}
            </button>
          </form>
          <form method="post" action="/auth/logout-user">
            <CsrfField ctx={ctx} />
            <button type="submit" class="btn btn-primary" safe>
              {t('auth.nav.logout')}
            </button>
          </form>
        </div>
      </div>
      <div class="card shadow-sm">
        <div class="card-body">
          <DataTable
            id="sessions-table"
            rows={sessions}
            empty={t('auth.sessions.empty')}
            columns={[
              {
                header: t('auth.sessions.device'),
                cell: (s) => (
                  <>
                    <span safe>{s.device}</span>
                    {s.id === currentId ? (
                      <span class="badge text-bg-primary ms-2" safe>
                        {t('auth.sessions.current')}
                      </span>
                    ) : (
                      ''
                    )}
                  </>
                ),
              },
              { header: t('auth.sessions.ip'), cell: (s) => <span safe>{s.ip ?? '–'}</span> },
              { header: t('auth.sessions.started'), cell: (s) => formatDateTime(s.createdAt, ctx.language, timeZone) },
              { header: t('auth.sessions.last_seen'), cell: (s) => formatDateTime(s.lastSeenAt, ctx.language, timeZone) },
              {
                header: '',
                class: 'text-end',
                cell: (s) => (
                  <form method="post" action={`/auth/sessions/${s.id}/revoke`}>
                    <CsrfField ctx={ctx} />
                    <button type="submit" class="btn btn-sm btn-outline-danger" safe>
                      {t('auth.sessions.revoke')}
                    </button>
                  </form>
                ),
              },
            ]}
          />
        </div>
      </div>
    </AuthPage>
  );
}
