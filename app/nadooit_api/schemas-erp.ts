import { z } from 'zod';
import { STOCK_MOVEMENT_KINDS } from '../nadoo_erp/models.js';
import { MANUAL_KINDS } from '../nadoo_erp/services/index.js';

/** Wire shapes of the ERP endpoints. Prices travel as exact decimal strings with 6 places. */

const id = () => z.guid();
const timestamp = () => z.string().describe('ISO-8601 UTC timestamp');
const decimal = () => z.string().regex(/^-?\d+\.\d{6}$/).describe('Decimal amount with 6 places, e.g. "2.500000"');

export const CustomerParams = z.object({ customerId: id() });

export const ErpItem = z
  .object({
    id: id(),
    customer_id: id(),
    sku: z.string(),
    description: z.string(),
    price: decimal(),
    currency: z.string(),
    condition: z.string(),
    quantity_available: z.number().int(),
    minimum_quantity: z.number().int(),
    allow_negative: z.boolean(),
    below_minimum: z.boolean(),
    location: z.string(),
    delivery_options: z.string(),
    link: z.string().nullable(),
    img_link: z.string().nullable(),
    created_at: timestamp(),
    updated_at: timestamp(),
  })
  .meta({ id: 'ErpItem' });

const itemFields = {
  sku: z.string().max(64),
  description: z.string().max(5000),
  price: z.string().max(40).describe('Decimal, e.g. "12.50" (at most 6 decimals)'),
  currency: z.string().max(3).optional(),
  condition: z.string().max(100).optional(),
  minimum_quantity: z.number().int().min(0).optional(),
  allow_negative: z.boolean().optional(),
  location: z.string().max(100).optional(),
  delivery_options: z.string().max(2000).optional(),
  link: z.string().max(2000).nullable().optional(),
  img_link: z.string().max(2000).nullable().optional(),
};

export const ErpItemCreate = z
  .object({ ...itemFields, quantity: z.number().int().optional().describe('Opening stock (written as the first stock movement)') })
  .meta({ id: 'ErpItemCreate' });

export const ErpItemPatch = z.object(itemFields).partial().meta({ id: 'ErpItemPatch' });

export const ErpItemQuery = z.object({
  search: z.string().max(100).optional(),
  low_only: z.enum(['true', 'false']).optional().describe('Only items below their minimum quantity'),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  after_sku: z.string().max(64).optional().describe('Keyset paging: the sku of the last item of the previous page'),
});

export const StockMovement = z
  .object({
    id: id(),
    item_id: id(),
    seq: z.number().int(),
    kind: z.enum(STOCK_MOVEMENT_KINDS),
    quantity: z.number().int(),
    quantity_after: z.number().int(),
    note: z.string().nullable(),
    author_user_id: id().nullable(),
    created_at: timestamp(),
  })
  .meta({ id: 'StockMovement' });

export const StockMovementCreate = z
  .object({
    kind: z.enum(MANUAL_KINDS),
    quantity: z.number().int().describe('receipt/issue: > 0; adjustment: ± (not 0) with a note'),
    note: z.string().max(500).optional(),
  })
  .meta({ id: 'StockMovementCreate' });

export const MovementResult = z.object({ movement_id: id(), quantity_after: z.number().int() });

export const MovementQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).optional(), before_seq: z.coerce.number().int().optional() });

export const LowStockAlert = z
  .object({ id: id(), item_id: id(), sku: z.string(), description: z.string(), quantity: z.number().int(), minimum_quantity: z.number().int(), raised_at: timestamp() })
  .meta({ id: 'LowStockAlert' });

export const CsvImport = z.object({ csv: z.string().max(10_000_000).describe('The CSV file as text (header line first; , or ; as separator)') }).meta({ id: 'ErpCsvImport' });
export const CsvImportResult = z.object({ created: z.number().int(), updated: z.number().int(), movements: z.number().int() }).meta({ id: 'ErpCsvImportResult' });
