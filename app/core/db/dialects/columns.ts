import type { ColumnDataType, Expression } from 'kysely';

export type Flavor = 'sqlite' | 'postgres' | 'cockroach';

/**
 * Portable column types for migrations. Values in TypeScript are the same on every dialect:
 * uuid → string, money → integer micro-units (number), timestamp → ISO-8601 UTC string,
 * date → 'YYYY-MM-DD', boolean → boolean, json → string (parse with fromJson).
 */
export interface ColumnTypes {
  uuid: ColumnDataType;
  text: ColumnDataType;
  integer: ColumnDataType;
  bigint: ColumnDataType;
  money: ColumnDataType;
  timestamp: ColumnDataType;
  date: ColumnDataType;
  boolean: ColumnDataType;
  json: ColumnDataType;
}

export const sqliteColumns: ColumnTypes = {
  uuid: 'text',
  text: 'text',
  integer: 'integer',
  bigint: 'integer',
  money: 'integer',
  timestamp: 'text',
  date: 'text',
  boolean: 'integer',
  json: 'text',
};

export const postgresColumns: ColumnTypes = {
  uuid: 'uuid',
  text: 'text',
  integer: 'integer',
  bigint: 'bigint',
  money: 'bigint',
  timestamp: 'timestamptz',
  date: 'date',
  boolean: 'boolean',
  json: 'text',
};

/** Column names holding booleans; SQLite hands them back as 0/1 and the SQLite adapter converts them. */
export const booleanColumns = new Set<string>();

export function registerBooleanColumns(...names: string[]): void {
  for (const name of names) booleanColumns.add(name);
}

export type DefaultValue = Expression<unknown> | string | number | boolean | null;
