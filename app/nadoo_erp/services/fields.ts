import { parseMoney } from '../../core/admin/values.js';

/**
 * The one place item fields are read from text (dashboard form, CSV row, API body): each field's rule and its
 * German message, so every way in refuses the same values with the same words.
 */

export interface ItemFields {
  sku: string;
  description: string;
  priceMicro: number;
  currency: string;
  condition: string;
  minimumQuantity: number;
  allowNegative: boolean;
  location: string;
  deliveryOptions: string;
  link: string | null;
  imgLink: string | null;
}

export interface FieldError {
  field: string;
  message: string;
}

export const ITEM_TEXT_FIELDS = ['sku', 'description', 'price', 'currency', 'condition', 'quantity', 'minimum_quantity', 'allow_negative', 'location', 'delivery_options', 'link', 'img_link'] as const;
export type ItemTextField = (typeof ITEM_TEXT_FIELDS)[number];
export type ItemText = Partial<Record<ItemTextField, string | undefined>>;

const MAX_QUANTITY = 1_000_000_000_000;

function text(value: string | undefined, field: string, max: number, errors: FieldError[], required = false): string {
  const v = (value ?? '').trim();
  if (required && !v) errors.push({ field, message: 'Pflichtfeld' });
  else if (v.length > max) errors.push({ field, message: `Höchstens ${max} Zeichen` });
  return v;
}

/** An integer count; `min` 0 for minimums, negative allowed for stock when the item allows it. */
export function parseQuantity(value: string | undefined, field: string, errors: FieldError[], { min }: { min: number | null }): number {
  const v = (value ?? '').trim();
  if (!/^[+-]?\d+$/.test(v) || Math.abs(Number(v)) > MAX_QUANTITY) {
    errors.push({ field, message: 'Bitte eine ganze Zahl eingeben' });
    return 0;
  }
  const n = Number(v);
  if (min !== null && n < min) errors.push({ field, message: `Mindestens ${min}` });
  return n;
}

function url(value: string | undefined, field: string, errors: FieldError[]): string | null {
  const v = (value ?? '').trim();
  if (!v) return null;
  let ok = v.length <= 2000;
  try {
    ok &&= ['http:', 'https:'].includes(new URL(v).protocol);
  } catch {
    ok = false;
  }
  if (!ok) errors.push({ field, message: 'Bitte eine http(s)-Adresse eingeben' });
  return v;
}

function flag(value: string | undefined, field: string, errors: FieldError[]): boolean {
  const v = (value ?? '').trim().toLowerCase();
  if (['', '0', 'false', 'nein', 'no', 'off'].includes(v)) return false;
  if (['1', 'true', 'ja', 'yes', 'on'].includes(v)) return true;
  errors.push({ field, message: 'Bitte ja oder nein angeben' });
  return false;
}

/** Reads the item fields; `errors` lists every refused field (nothing is partly accepted). */
export function itemFieldsFromText(input: ItemText): { value: ItemFields; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const price = parseMoney(input.price ?? '');
  if (price === null || price < 0) errors.push({ field: 'price', message: 'Bitte einen Preis ≥ 0 mit höchstens 6 Nachkommastellen eingeben' });
  const currency = (input.currency ?? '').trim().toUpperCase() || 'EUR';
  if (!/^[A-Z]{3}$/.test(currency)) errors.push({ field: 'currency', message: 'Bitte einen dreistelligen Währungscode eingeben (z. B. EUR)' });
  const value: ItemFields = {
    sku: text(input.sku, 'sku', 64, errors, true),
    description: text(input.description, 'description', 5000, errors, true),
    priceMicro: price ?? 0,
    currency,
    condition: text(input.condition, 'condition', 100, errors),
    minimumQuantity: parseQuantity(input.minimum_quantity || '0', 'minimum_quantity', errors, { min: 0 }),
    allowNegative: flag(input.allow_negative, 'allow_negative', errors),
    location: text(input.location, 'location', 100, errors),
    deliveryOptions: text(input.delivery_options, 'delivery_options', 2000, errors),
    link: url(input.link, 'link', errors),
    imgLink: url(input.img_link, 'img_link', errors),
  };
  const order = (field: string) => (ITEM_TEXT_FIELDS as readonly string[]).indexOf(field);
  return { value, errors: errors.sort((a, b) => order(a.field) - order(b.field)) };
}
