import type { SelectQueryBuilder } from 'kysely';
import type { DB } from '../db/connection.js';
import type { Language } from '../ui/i18n.js';
import { untyped } from './query.js';
import { titlesOfRows } from './records.js';
import { primaryKey } from './site.js';
import type { AdminSite } from './site.js';
import type { AdminField, AdminResource, OnDelete, Row } from './types.js';

/** What deleting some rows does to one kind of related row (Django's "deleted objects" tree). */
export interface Impact {
  resource: AdminResource;
  field: AdminField;
  onDelete: OnDelete;
  count: number;
  capped: boolean;
  samples: Array<{ id: string; title: string }>;
  /** What the cascade deletes further down (only for `cascade`). */
  children: Impact[];
}

type Selector = string[] | SelectQueryBuilder<any, any, any>;

const SAMPLES = 5;
const CAP = 1000;
const MAX_DEPTH = 3;

async function impactsOf(db: DB, site: AdminSite, resource: AdminResource, selector: Selector, language: Language, depth: number): Promise<Impact[]> {
  const impacts: Impact[] = [];
  for (const { resource: child, field } of site.referencing(resource)) {
    if (field.relation!.onDelete === 'none') continue;
    const k = untyped(db);
    const matching = () => k.selectFrom(child.table).where(field.name, 'in', selector);
    const counted = (await k
      .selectFrom(matching().select(primaryKey(child)).limit(CAP + 1).as('sub'))
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst()) as { n: number | string };
    const count = Number(counted.n);
    if (count === 0) continue;
    const rows = (await matching()
      .select([...new Set([primaryKey(child), ...child.title.columns])])
      .limit(SAMPLES)
      .execute()) as Row[];
    const onDelete = field.relation!.onDelete;
    const children =
      onDelete === 'cascade' && depth < MAX_DEPTH
        ? await impactsOf(db, site, child, matching().select(primaryKey(child)), language, depth + 1)
        : [];
    impacts.push({
      resource: child,
      field,
      onDelete,
      count: Math.min(count, CAP),
      capped: count > CAP,
      samples: (await titlesOfRows(db, child, rows, language)).map((title, i) => ({ id: String(rows[i]![primaryKey(child)]), title })),
      children,
    });
  }
  return impacts;
}

/** The related rows a delete removes, unlinks or is blocked by; `blocked` when any restricting row exists. */
export async function deletionImpact(
  db: DB,
  site: AdminSite,
  resource: AdminResource,
  ids: string[],
  language: Language,
): Promise<{ impacts: Impact[]; blocked: boolean }> {
  const impacts = await impactsOf(db, site, resource, ids, language, 0);
  const blocks = (list: Impact[]): boolean => list.some((i) => i.onDelete === 'restrict' || blocks(i.children));
  return { impacts, blocked: blocks(impacts) };
}
