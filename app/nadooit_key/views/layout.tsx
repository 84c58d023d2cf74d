import type { Children } from '@kitajs/html';
import type { PageContext } from '../../core/ui/page-context.js';
import { AuthNav, AuthPage } from '../../nadooit_auth/views/layout.js';
import type { KeyAbilities } from '../services.js';
import { hasAnyKeyAbility } from '../services.js';

function NavLink({ ctx, href, label }: { ctx: PageContext; href: string; label: string }): JSX.Element {
  return (
    <li class="nav-item">
      <a class={`nav-link${ctx.path === href ? ' active' : ''}`} href={href} safe>
        {label}
      </a>
    </li>
  );
}

export function KeyNav({ ctx, abilities }: { ctx: PageContext; abilities: KeyAbilities | null }): JSX.Element {
  return (
    <>
      {abilities?.can_create_keys ? <NavLink ctx={ctx} href="/auth/register-user" label={ctx.t('key.nav.register')} /> : ''}
      {hasAnyKeyAbility(abilities, 'keys') ? <NavLink ctx={ctx} href="/keys/people" label={ctx.t('key.nav.people')} /> : ''}
      {hasAnyKeyAbility(abilities, 'managers') ? <NavLink ctx={ctx} href="/keys/managers" label={ctx.t('key.nav.managers')} /> : ''}
      <AuthNav ctx={ctx} />
    </>
  );
}

export function KeyPage(props: { ctx: PageContext; abilities: KeyAbilities | null; title: string; children?: Children }): JSX.Element {
  return (
    <AuthPage ctx={props.ctx} title={props.title} nav={<KeyNav ctx={props.ctx} abilities={props.abilities} />}>
      {props.children}
    </AuthPage>
  );
}
