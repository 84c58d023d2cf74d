import { notImported } from '../core/legacy/step.js';
import type { LegacyAppImport } from '../core/legacy/step.js';

const REASON = 'the network (inventories, members, friends, groups, guilds) is not taken over by this version of the import yet; the rows stay in the original';

/** The original's network tables: reported row by row until their mapping is built. */
export const networkLegacyImport: LegacyAppImport = {
  app: 'nadooit_network',
  steps: [
    'nadooit_network_nadooitinventory',
    'nadooit_network_nadooitnetworkmember',
    'nadooit_network_nadooitnetworkfriendslist',
    'nadooit_network_nadooitnetworkgroup',
    'nadooit_network_nadooitguild',
    'nadooit_network_nadooitnetworkguildmember',
    'nadooit_network_nadooitguildbank',
  ].map((table) => notImported(table, `${table} (network)`, REASON)),
};
