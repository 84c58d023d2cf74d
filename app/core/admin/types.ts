import type { Transaction } from 'kysely';
import type { z } from 'zod';
import type { AppContext } from '../app-module.js';
import type { DB } from '../db/connection.js';
import type { Database } from '../db/schema.js';
import type { CurrentUser } from '../http/types.js';
import type { Language, Translate } from '../ui/i18n.js';
import type { Display } from './views/cells.js';

/** A text in both UI languages; German is shown by default. */
export interface Text {
  de: string;
  en: string;
}

export type Row = Record<string, unknown>;

export type FieldType =
  | 'text'
  | 'textarea'
  | 'email'
  | 'integer'
  /** an integer number of seconds, displayed as "1 h 05 min" / "5 min 15 s" (core/ui/format.ts) */
  | 'seconds'
  /** integer micro-units shown with two decimals (`rate`: every decimal); `currencyField` names the currency column */
  | 'money'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'choice'
  | 'relation'
  | 'uuid'
  | 'json'
  /** action inputs only: rendered as a password box, never echoed, masked in the audit log */
  | 'password';

/** The foreign key's ON DELETE rule; 'none' for a plain id without a foreign key (a delete leaves it as it is). */
export type OnDelete = 'cascade' | 'set null' | 'restrict' | 'none';

export type BadgeTone = 'primary' | 'secondary' | 'success' | 'danger' | 'warning' | 'info';

export interface Choice {
  value: string;
  label: Text;
}

export interface AdminField {
  /** The column name. */
  name: string;
  label: Text;
  /** A shorter label for list column headers (the full one stays in the column chooser and on forms). */
  listLabel?: Text;
  type: FieldType;
  help?: Text;
  /** Must be present (non-empty) on create and edit. */
  required?: boolean;
  /** Shown but never written by the generic form (domain state changes through actions/services). */
  readOnly?: boolean;
  /** Writable on the create form only (e.g. the parent of a contract). */
  createOnly?: boolean;
  /** Not a column: an extra input of the create form handed to the create hook (e.g. the first managers). */
  virtual?: boolean;
  /** money only: a rate (price per second) shown with every decimal it has instead of two. */
  rate?: boolean;
  /** Never shown anywhere; masked in the audit log (secrets, hashes). */
  sensitive?: boolean;
  /** Only superusers may set this field (e.g. is_superuser). */
  superuserOnly?: boolean;
  maxLength?: number;
  min?: number;
  max?: number;
  choices?: Choice[] | (() => Choice[]);
  /** Choice fields: a list shows the value as a badge in this colour (values not named: grey). */
  badges?: Record<string, BadgeTone>;
  /** For relation fields: the target resource key ("app.name") and the foreign key's ON DELETE rule. */
  relation?: { resource: string; onDelete: OnDelete };
  currencyField?: string;
  /** The create form's initial value. */
  initial?: unknown | (() => unknown);
  /** Extra validation on top of the type's own. */
  refine?: (schema: z.ZodType) => z.ZodType;
}

/** How a search term matches a field: `exact` can use an index; relations search the target's search fields. */
export type SearchSpec = string | { field: string; mode: 'exact' | 'contains' };

export interface AdminInline {
  /** The child resource key. */
  resource: string;
  /** The child's column pointing at this row. */
  field: string;
  label?: Text;
  columns?: string[];
  /** Rows shown (newest first by the child's ordering); a link leads to the full filtered list. */
  limit?: number;
}

export type Permission = 'view' | 'add' | 'change' | 'delete';

/** A list filter computed by the app that owns the table; `ids` returns the matching primary keys (bounded). */
export interface ListPreset {
  name: string;
  label: Text;
  ids(db: DB): Promise<string[]>;
}

/** What hooks and actions get: a transaction, the acting staff user and the app context. */
export interface WriteContext {
  tx: Transaction<Database>;
  actor: CurrentUser;
  context: AppContext;
  language: Language;
  t: Translate;
}

export interface ActionResult {
  /** Shown as a flash message after the action. */
  message?: string;
  /** Where to go afterwards (defaults to the list). */
  redirect?: string;
}

/** An operation on selected rows (bulk action) — also offered on the detail page for one row. */
export interface AdminAction {
  name: string;
  label: Text;
  /** The permission on this resource the action needs. */
  permission: Permission;
  /** Only superusers may run it (e.g. setting a password, resetting security keys). */
  superuserOnly?: boolean;
  /** Extra inputs asked on a confirmation page (validated like form fields). */
  fields?: AdminField[];
  /** A sentence shown on the confirmation page. */
  description?: Text;
  destructive?: boolean;
  /** Offered on the detail page of one row (default true) and in the list (default true). */
  onDetail?: boolean;
  onList?: boolean;
  /** Rows are deleted by the action (the audit log then records no "after"). */
  deletes?: boolean;
  /** Runs in one transaction with the audit entries; throw ActionError for a message to the user. */
  run(ctx: WriteContext, ids: string[], values: Row): Promise<ActionResult | void>;
}

export interface ResourceHooks {
  /** Creates the row (e.g. through a service); returns the new id. Default: a plain insert. */
  create?(ctx: WriteContext, values: Row): Promise<string>;
  /** Updates the row; `values` holds only the editable fields. Default: a plain update. */
  update?(ctx: WriteContext, id: string, values: Row, before: Row): Promise<void>;
  /** Deletes the rows. Default: a plain delete (foreign keys cascade as declared). */
  delete?(ctx: WriteContext, ids: string[]): Promise<void>;
  /** Cross-field checks; return field errors to re-render the form. */
  validate?(ctx: WriteContext, values: Row, mode: 'create' | 'change', id?: string): Promise<Record<string, string[]> | undefined>;
}

export interface AdminResource {
  /** The app this resource belongs to (groups the index page and forms the URL). */
  app: string;
  appLabel: Text;
  /** URL segment, unique within the app. */
  name: string;
  table: keyof Database & string;
  label: Text;
  labelPlural: Text;
  /** Primary key column (a UUID made in the app). */
  primaryKey?: string;
  /**
   * How a row is named in lists, selects, the audit log and delete confirmations. `load` names rows whose
   * name needs other tables (e.g. a customer program by its program and customer), in one query per page.
   */
  title: {
    columns: string[];
    format?(row: Row, language: Language): string;
    load?(db: DB, ids: string[], language: Language): Promise<Map<string, string>>;
  };
  fields: AdminField[];
  list: {
    columns: string[];
    /** Columns a user may add with the column chooser (besides `columns`). */
    optionalColumns?: string[];
    search?: SearchSpec[];
    /** Fields offered as filters (boolean, choice, relation, datetime periods, exact text). */
    filters?: string[];
    /** Default order; keyset pagination on (field, primary key). Sortable fields must be NOT NULL. */
    ordering: { field: string; direction: 'asc' | 'desc' };
    sortable?: string[];
    perPage?: number;
    /**
     * Filters no column expresses (e.g. "below the low-balance threshold"): the owning app names the matching
     * rows through its own function; offered in the sidebar as "yes", URL `f.<name>=1`.
     */
    presets?: ListPreset[];
  };
  /** Set to false to switch an operation off for everyone (e.g. ledger entries are never edited). */
  allow?: { add?: boolean; change?: boolean; delete?: boolean };
  /** Only superusers see this resource (permissions, security tables). */
  superuserOnly?: boolean;
  inlines?: AdminInline[];
  actions?: AdminAction[];
  hooks?: ResourceHooks;
  /** Which timestamp columns the generic writes fill (default 'both': created_at and updated_at). */
  timestamps?: 'both' | 'created' | 'none';
  /** Values for NOT NULL columns the form does not show, used by the generic insert. */
  defaults?: () => Row;
  /** Extra content on the detail page (e.g. a before/after table), rendered below the fields. */
  extra?(db: DB, row: Row, display: Display): Promise<JSX.Element>;
  /** Extra help shown above the form. */
  help?: Text;
}

/** An error whose message is shown to the staff user (action refused, service rule violated). */
export class ActionError extends Error {
  constructor(
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
  }
}
