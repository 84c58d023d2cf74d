import { registerBooleanColumns } from '../core/db/dialects/columns.js';

/**
 * An article a customer keeps in stock. `quantity_available` is kept in the same transaction as the stock
 * movements and always equals their sum; it never goes below 0 unless `allow_negative` is set.
 */
export interface ErpItemsTable {
  id: string;
  customer_id: string;
  /** The customer's article number; unique per customer, the key of CSV imports. */
  sku: string;
  description: string;
  /** Exact price in integer micro-units (1 € = 1 000 000) of `currency`. */
  price_micro: number;
  currency: string;
  condition: string;
  quantity_available: number;
  minimum_quantity: number;
  allow_negative: boolean;
  location: string;
  delivery_options: string;
  link: string | null;
  img_link: string | null;
  created_at: string;
  updated_at: string;
}

export const STOCK_MOVEMENT_KINDS = ['opening', 'receipt', 'issue', 'adjustment', 'import'] as const;
/** opening: first stock; receipt: goods in; issue: goods out; adjustment: stocktaking correction; import: a CSV import changed the count. */
export type StockMovementKind = (typeof STOCK_MOVEMENT_KINDS)[number];

export interface ErpStockMovementsTable {
  id: string;
  item_id: string;
  /** 1, 2, 3 … per item in the order the movements were written. */
  seq: number;
  kind: StockMovementKind;
  /** Signed change of the stock (never 0). */
  quantity: number;
  quantity_after: number;
  note: string | null;
  author_user_id: string | null;
  created_at: string;
}

/** Raised by the low-stock job when an item falls below its minimum; resolved once it is back at or above it. */
export interface ErpLowStockAlertsTable {
  id: string;
  item_id: string;
  customer_id: string;
  quantity: number;
  minimum_quantity: number;
  raised_at: string;
  resolved_at: string | null;
}

declare module '../core/db/schema.js' {
  interface Database {
    erp_items: ErpItemsTable;
    erp_stock_movements: ErpStockMovementsTable;
    erp_low_stock_alerts: ErpLowStockAlertsTable;
  }
}

registerBooleanColumns('allow_negative');
