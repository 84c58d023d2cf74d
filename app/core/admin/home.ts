import type { AppContext } from '../app-module.js';
import type { Language } from '../ui/i18n.js';
import type { Access } from './access.js';
import { resourceUrl, text } from './site.js';
import type { AdminSite } from './site.js';
import type { AdminResource, Text } from './types.js';

/**
 * What the admin's start page shows besides the models: the order of the app sections (business first)
 * and the "needs attention" numbers. The app that mounts the admin declares both (core knows no app);
 * every number comes from a function of the app that owns the counted table.
 */
export interface AdminHome {
  /** Sections in order, each naming its apps in order; apps named nowhere follow in a last, unnamed section. */
  sections: HomeSection[];
  attention: AttentionItem[];
}

export interface HomeSection {
  key: string;
  label: Text;
  apps: string[];
}

export interface AttentionItem {
  key: string;
  label: Text;
  /** The list the number links to ("app.name"); the item is shown only to staff who may view it. */
  resource: string;
  /** The list's filters that show exactly the counted rows (`f.<name>=value`). */
  filters: Record<string, string>;
  count(context: AppContext): Promise<number>;
  /** Counts at or above this are shown as "cap+" (the owner's function stops there). */
  cap?: number;
  /** False when the linked list cannot show what was counted (e.g. failed jobs kept in Redis). */
  listed?(context: AppContext): boolean;
}

export interface HomeGroup {
  app: string;
  label: string;
  resources: Array<{ resource: AdminResource; canAdd: boolean }>;
}

export interface HomeSectionView {
  key: string;
  label: string;
  groups: HomeGroup[];
}

export interface AttentionView {
  key: string;
  label: string;
  count: number;
  capped: boolean;
  href: string | null;
}

/** The visible models by app, the apps in the declared section order (an app's models by label). */
export function homeSections(site: AdminSite, access: Access, language: Language, sections: HomeSection[]): HomeSectionView[] {
  const groups = site
    .groups(language)
    .map((g) => ({
      app: g.app,
      label: g.label,
      resources: g.resources.filter((r) => access.can(r, 'view')).map((resource) => ({ resource, canAdd: access.can(resource, 'add') })),
    }))
    .filter((g) => g.resources.length > 0);
  const placed = new Set(sections.flatMap((s) => s.apps));
  const views = sections.map((section) => ({
    key: section.key,
    label: text(section.label, language),
    groups: section.apps.flatMap((app) => groups.filter((g) => g.app === app)),
  }));
  const rest = groups.filter((g) => !placed.has(g.app));
  if (rest.length) views.push({ key: 'other', label: '', groups: rest });
  return views.filter((v) => v.groups.length > 0);
}

/** The attention numbers this user may follow, each with its filtered list (counted one after another). */
export async function attentionViews(context: AppContext, site: AdminSite, access: Access, language: Language, prefix: string, items: AttentionItem[]): Promise<AttentionView[]> {
  const views: AttentionView[] = [];
  for (const item of items) {
    const resource = site.get(item.resource);
    if (!resource || !access.can(resource, 'view')) continue;
    const count = await item.count(context);
    const query = new URLSearchParams(Object.entries(item.filters).map(([name, value]) => [`f.${name}`, value])).toString();
    const listed = item.listed?.(context) ?? true;
    views.push({
      key: item.key,
      label: text(item.label, language),
      count,
      capped: item.cap !== undefined && count >= item.cap,
      href: listed ? `${resourceUrl(resource, prefix)}${query ? `?${query}` : ''}` : null,
    });
  }
  return views;
}
