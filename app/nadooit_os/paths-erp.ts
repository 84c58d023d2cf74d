import { BASE } from './paths.js';

/** The ERP pages (nadoo_erp). */
export const erpPaths = {
  home: `${BASE}/erp/`,
  items: (customerId: string) => `${BASE}/erp/${customerId}/items`,
  export: (customerId: string) => `${BASE}/erp/${customerId}/artikel.csv`,
  import: (customerId: string) => `${BASE}/erp/${customerId}/import`,
  item: (itemId: string) => `${BASE}/erp/items/${itemId}`,
  itemMovements: (itemId: string) => `${BASE}/erp/items/${itemId}/movements`,
  itemDelete: (itemId: string) => `${BASE}/erp/items/${itemId}/delete`,
};
