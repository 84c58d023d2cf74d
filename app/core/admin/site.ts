import type { Language } from '../ui/i18n.js';
import type { AdminField, AdminResource, Choice, Text } from './types.js';

export function text(value: Text | undefined, language: Language): string {
  return value ? value[language] : '';
}

export function resourceKey(resource: AdminResource): string {
  return `${resource.app}.${resource.name}`;
}

export function primaryKey(resource: AdminResource): string {
  return resource.primaryKey ?? 'id';
}

export function choicesOf(field: AdminField): Choice[] {
  const { choices } = field;
  return typeof choices === 'function' ? choices() : (choices ?? []);
}

export function fieldOf(resource: AdminResource, name: string): AdminField | undefined {
  return resource.fields.find((f) => f.name === name);
}

export function resourceUrl(resource: AdminResource, prefix = '/admin'): string {
  return `${prefix}/${resource.app}/${resource.name}/`;
}

/** Whether the operation is switched on for the resource at all (independent of who asks). */
export function allows(resource: AdminResource, operation: 'add' | 'change' | 'delete'): boolean {
  return resource.allow?.[operation] !== false;
}

export interface Reference {
  resource: AdminResource;
  field: AdminField;
}

/**
 * Every resource of every installed app, checked once at startup so that a typo in an admin.ts (a column
 * that does not exist in the definition, a relation to an unknown resource) fails the boot, not a page.
 */
export class AdminSite {
  private readonly byKey = new Map<string, AdminResource>();

  constructor(readonly resources: AdminResource[]) {
    for (const resource of resources) {
      const key = resourceKey(resource);
      if (this.byKey.has(key)) throw new Error(`admin: resource ${key} is registered twice`);
      this.byKey.set(key, resource);
    }
    for (const resource of resources) this.check(resource);
  }

  get(key: string): AdminResource | undefined {
    return this.byKey.get(key);
  }

  find(app: string, name: string): AdminResource | undefined {
    return this.byKey.get(`${app}.${name}`);
  }

  /** Relation fields of other resources that point at `target` (what a delete touches). */
  referencing(target: AdminResource): Reference[] {
    const key = resourceKey(target);
    return this.resources.flatMap((resource) =>
      resource.fields.filter((f) => f.type === 'relation' && !f.virtual && f.relation?.resource === key).map((field) => ({ resource, field })),
    );
  }

  /** The index page's sections: apps in registration order, their resources by label. */
  groups(language: Language): Array<{ app: string; label: string; resources: AdminResource[] }> {
    const groups = new Map<string, { app: string; label: string; resources: AdminResource[] }>();
    for (const resource of this.resources) {
      const group = groups.get(resource.app) ?? { app: resource.app, label: text(resource.appLabel, language), resources: [] };
      group.resources.push(resource);
      groups.set(resource.app, group);
    }
    for (const group of groups.values()) {
      group.resources.sort((a, b) => text(a.labelPlural, language).localeCompare(text(b.labelPlural, language), language));
    }
    return [...groups.values()];
  }

  private check(resource: AdminResource): void {
    const key = resourceKey(resource);
    const names = new Set([primaryKey(resource), ...resource.fields.filter((f) => !f.virtual).map((f) => f.name)]);
    const known = (name: string, where: string) => {
      if (!names.has(name)) throw new Error(`admin: ${key} ${where} names unknown field ${name}`);
    };
    const { list } = resource;
    for (const column of [...list.columns, ...(list.optionalColumns ?? [])]) known(column, 'list column');
    for (const spec of list.search ?? []) known(typeof spec === 'string' ? spec : spec.field, 'search');
    for (const filter of list.filters ?? []) known(filter, 'filter');
    for (const sortable of [list.ordering.field, ...(list.sortable ?? [])]) known(sortable, 'sortable');
    for (const column of resource.title.columns) known(column, 'title');
    for (const field of resource.fields) {
      if (field.type === 'relation' && (!field.relation || !this.byKey.has(field.relation.resource))) {
        throw new Error(`admin: ${key}.${field.name} relates to unknown resource ${field.relation?.resource}`);
      }
      if (field.type === 'relation' && !field.readOnly && !this.byKey.get(field.relation!.resource)!.list.search?.length) {
        throw new Error(`admin: ${key}.${field.name} is chosen by search, but ${field.relation!.resource} has no search fields`);
      }
      if (field.type === 'money' && field.currencyField) known(field.currencyField, `money field ${field.name}`);
    }
    for (const inline of resource.inlines ?? []) {
      const child = this.byKey.get(inline.resource);
      if (!child) throw new Error(`admin: ${key} inline of unknown resource ${inline.resource}`);
      if (!fieldOf(child, inline.field)) throw new Error(`admin: ${key} inline field ${inline.field} not on ${inline.resource}`);
    }
    for (const action of resource.actions ?? []) {
      if (['delete', 'add', 'export'].includes(action.name)) throw new Error(`admin: ${key} action name ${action.name} is reserved`);
    }
  }
}
