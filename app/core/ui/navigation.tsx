import type { FastifyRequest } from 'fastify';
import { CsrfField } from './components.js';
import type { PageContext } from './page-context.js';

/**
 * The one navigation of every signed-in page. Apps add what a person may open by registering a source
 * (in their routes); the shell renders the entries of all sources in `order`. An entry with a `menu`
 * joins the dropdown of that name.
 */
export interface NavEntry {
  href: string;
  /** Already translated. */
  label: string;
  /** Entries with the same menu id form one dropdown (its label and overview link come from the first entry). */
  menu?: { id: string; label: string; href: string };
  order: number;
}

/** Everything the signed-in person's own menu (top right) offers; `user` entries are links there. */
export interface NavSource {
  id: string;
  entries(request: FastifyRequest): Promise<NavEntry[]> | NavEntry[];
  /** Links in the person's own menu (security keys, sessions, profile). */
  personal?(request: FastifyRequest): PersonalLink[];
}

export interface PersonalLink {
  href: string;
  label: string;
  order: number;
}

/** The sources, by id: registering the same app again (a second app in a test process) replaces it. */
const sources = new Map<string, NavSource>();

export function registerNavigation(source: NavSource): void {
  sources.set(source.id, source);
}

export interface Navigation {
  entries: NavEntry[];
  personal: PersonalLink[];
  /** Where the brand leads a signed-in person (the first entry's app home). */
  home: string;
  logoutUrl: string;
}

export const SIGNED_IN_HOME = '/nadooit-os/';
export const LOGOUT_URL = '/auth/logout-user';

/** The navigation for this request: nothing for anonymous visitors (no queries). */
export async function navigationFor(request: FastifyRequest): Promise<Navigation | null> {
  if (!request.user) return null;
  const all = [...sources.values()];
  const entries = (await Promise.all(all.map((s) => s.entries(request)))).flat().sort((a, b) => a.order - b.order);
  const personal = all.flatMap((s) => s.personal?.(request) ?? []).sort((a, b) => a.order - b.order);
  return { entries, personal, home: SIGNED_IN_HOME, logoutUrl: LOGOUT_URL };
}

interface Menu {
  id: string;
  label: string;
  href: string;
  items: NavEntry[];
}

function group(entries: NavEntry[]): Array<NavEntry | Menu> {
  const out: Array<NavEntry | Menu> = [];
  const menus = new Map<string, Menu>();
  for (const entry of entries) {
    if (!entry.menu) {
      out.push(entry);
      continue;
    }
    let menu = menus.get(entry.menu.id);
    if (!menu) {
      menu = { ...entry.menu, items: [] };
      menus.set(menu.id, menu);
      out.push(menu);
    }
    menu.items.push(entry);
  }
  return out;
}

const isMenu = (item: NavEntry | Menu): item is Menu => 'items' in item;

function Dropdown({ ctx, id, label, href, items, end }: { ctx: PageContext; id: string; label: string; href: string; items: Array<{ href: string; label: string }>; end?: boolean }): JSX.Element {
  const active = items.some((i) => i.href === ctx.path) || href === ctx.path;
  // Without JavaScript the toggle is a plain link to the area's overview page.
  return (
    <li class="nav-item dropdown">
      <a class={`nav-link dropdown-toggle${active ? ' active' : ''}`} href={href} id={`nav-${id}`} role="button" data-bs-toggle="dropdown" aria-expanded="false" safe>
        {label}
      </a>
      <ul class={`dropdown-menu${end ? ' dropdown-menu-xl-end' : ''}`} aria-labelledby={`nav-${id}`}>
        {items.map((i) => (
          <li>
            <a class={`dropdown-item${i.href === ctx.path ? ' active' : ''}`} href={i.href} safe>
              {i.label}
            </a>
          </li>
        ))}
      </ul>
    </li>
  );
}

/** The app menus (left in the navbar). */
export function NavigationMenus({ ctx, navigation }: { ctx: PageContext; navigation: Navigation }): JSX.Element {
  return (
    <>
      {group(navigation.entries).map((item) =>
        isMenu(item) ? (
          <Dropdown ctx={ctx} id={item.id} label={item.label} href={item.href} items={item.items} />
        ) : (
          <li class="nav-item">
            <a class={`nav-link${item.href === ctx.path ? ' active' : ''}`} href={item.href} aria-current={item.href === ctx.path ? 'page' : undefined} safe>
              {item.label}
            </a>
          </li>
        ),
      )}
    </>
  );
}

/** The signed-in person's menu (right in the navbar): their own pages and the one logout. */
export function PersonalMenu({ ctx, navigation }: { ctx: PageContext; navigation: Navigation }): JSX.Element {
  const user = ctx.user!;
  const active = navigation.personal.some((l) => l.href === ctx.path);
  return (
    <ul class="navbar-nav ms-xl-auto me-xl-2">
      <li class="nav-item dropdown">
        <a class={`nav-link dropdown-toggle${active ? ' active' : ''}`} href={navigation.personal[0]?.href ?? navigation.home} id="nav-person" role="button" data-bs-toggle="dropdown" aria-expanded="false">
          <i class="bi bi-person-circle me-1" aria-hidden="true"></i>
          {/* Between 1200 and 1400 px the menus need the room: the icon stands for the name there. */}
          <span id="signed-in-as" class="d-xl-none d-xxl-inline" title={user.userCode} safe>
            {user.displayName || user.userCode}
          </span>
        </a>
        <ul class="dropdown-menu dropdown-menu-xl-end" aria-labelledby="nav-person">
          {navigation.personal.map((l) => (
            <li>
              <a class={`dropdown-item${l.href === ctx.path ? ' active' : ''}`} href={l.href} safe>
                {l.label}
              </a>
            </li>
          ))}
          <li>
            <hr class="dropdown-divider" />
          </li>
          <li>
            <form method="post" action={navigation.logoutUrl} class="logout-form">
              <CsrfField ctx={ctx} />
              <button type="submit" class="dropdown-item" safe>
                {ctx.t('core.nav.logout')}
              </button>
            </form>
          </li>
        </ul>
      </li>
    </ul>
  );
}
