import type { Children } from '@kitajs/html';
import type { FastifyRequest } from 'fastify';
import type { Tx } from '../../core/db/transaction.js';
import type { NavEntry, NavSource } from '../../core/ui/navigation.js';
import type { PageContext } from '../../core/ui/page-context.js';
import { AuthPage } from '../../nadooit_auth/views/layout.js';
import type { KeyAbilities } from '../services.js';
import { hasAnyKeyAbility, keyAbilitiesOf } from '../services.js';

const KEY_ORDER = 500;

/** The key managers' menu in the shared navigation: registering people, people and their keys, key managers. */
export function keyNavigation(db: Tx): NavSource {
  return {
    id: 'nadooit_key',
    async entries(request: FastifyRequest): Promise<NavEntry[]> {
      const abilities = await keyAbilitiesOf(db, request.user!);
      if (!abilities) return [];
      const t = request.t;
      const menu = { id: 'keys', label: t('key.nav.menu'), href: '/keys/people' };
      return [
        ...(abilities.can_create_keys ? [{ href: '/auth/register-user', label: t('key.nav.register') }] : []),
        ...(hasAnyKeyAbility(abilities, 'keys') ? [{ href: '/keys/people', label: t('key.nav.people') }] : []),
        ...(hasAnyKeyAbility(abilities, 'managers') ? [{ href: '/keys/managers', label: t('key.nav.managers') }] : []),
      ].map((e) => ({ ...e, menu, order: KEY_ORDER }));
    },
  };
}

export function KeyPage(props: { ctx: PageContext; abilities: KeyAbilities | null; title: string; children?: Children }): JSX.Element {
  return (
    <AuthPage ctx={props.ctx} title={props.title}>
      {props.children}
    </AuthPage>
  );
}
