import { createdAt, relation, staffActor, updatedAt } from '../core/admin/fields.js';
import { ActionError } from '../core/admin/types.js';
import type { AdminField, AdminResource } from '../core/admin/types.js';
import { formatMoney } from '../core/ui/format.js';
import { GUILD_ROLES, INVENTORY_ENTRY_KINDS } from './models.js';
import { bookByStaff, ensureMember, placeShare } from './services/index.js';
import './models.js';

const appLabel = { de: 'Netzwerk', en: 'Network' };
const readOnly = { add: false, change: false, delete: false };

const OWNER_LABELS = { member: { de: 'Mitglied', en: 'Member' }, guild: { de: 'Gildenbank', en: 'Guild bank' } };
const ROLE_LABELS = { member: { de: 'Mitglied', en: 'Member' }, moderator: { de: 'Moderator', en: 'Moderator' }, admin: { de: 'Administrator', en: 'Admin' } };
const KIND_LABELS = { credit: { de: 'Gutschrift', en: 'Credit' }, correction: { de: 'Korrektur', en: 'Correction' }, transfer: { de: 'Überweisung', en: 'Transfer' } };

const money = (name: string, label: { de: string; en: string }, extra: Partial<AdminField> = {}): AdminField => ({ name, label, type: 'money', currencyField: 'currency', ...extra });
const member = (name: string, label = { de: 'Mitglied', en: 'Member' }) => relation(name, label, 'nadooit_network.members', 'cascade', { readOnly: true });

export const membersResource: AdminResource = {
  app: 'nadooit_network',
  appLabel,
  name: 'members',
  table: 'net_members',
  label: { de: 'Mitglied', en: 'Member' },
  labelPlural: { de: 'Mitglieder', en: 'Members' },
  help: { de: 'Eine Person im Netzwerk mit ihrem Inventar. Benutzer treten beim ersten Besuch der Netzwerkseite bei.', en: 'A person in the network with their inventory. Users join on their first visit of the network page.' },
  title: { columns: ['user_id'], format: (row) => String(row.user_id).slice(0, 8) },
  fields: [
    relation('user_id', { de: 'Benutzer', en: 'User' }, 'nadooit_auth.users', 'cascade', { required: true, createOnly: true }),
    relation('inventory_id', { de: 'Inventar', en: 'Inventory' }, 'nadooit_network.inventories', 'cascade', { readOnly: true }),
    createdAt(),
  ],
  list: { columns: ['user_id', 'inventory_id', 'created_at'], search: ['user_id'], ordering: { field: 'created_at', direction: 'desc' } },
  allow: { change: false },
  inlines: [
    { resource: 'nadooit_network.guild_members', field: 'member_id' },
    { resource: 'nadooit_network.group_members', field: 'member_id' },
    { resource: 'nadooit_network.friends', field: 'member_id' },
  ],
  hooks: {
    async create(ctx, values) {
      return (await ensureMember(ctx.tx, String(values.user_id))).id;
    },
  },
};

const amountField = (signed: boolean): AdminField => ({
  name: 'amount',
  label: { de: 'Betrag (EUR)', en: 'Amount (EUR)' },
  type: 'money',
  required: true,
  help: signed ? { de: 'Negative Beträge ziehen ab.', en: 'Negative amounts take money off.' } : undefined,
});

export const inventoriesResource: AdminResource = {
  app: 'nadooit_network',
  appLabel,
  name: 'inventories',
  table: 'net_inventories',
  label: { de: 'Inventar', en: 'Inventory' },
  labelPlural: { de: 'Inventare', en: 'Inventories' },
  help: {
    de: 'Das Guthaben ändert sich nur über Journalbuchungen: Überweisungen der Mitglieder, „Gutschrift“ und „Korrigieren“ hier.',
    en: 'The balance changes only through ledger entries: members’ transfers, and "Credit" and "Correct" here.',
  },
  title: { columns: ['owner_kind', 'balance_micro', 'currency'], format: (row, language) => `${String(row.id).slice(0, 8)} (${formatMoney(Number(row.balance_micro), language, String(row.currency))})` },
  fields: [
    { name: 'owner_kind', label: { de: 'Gehört zu', en: 'Belongs to' }, type: 'choice', readOnly: true, choices: Object.entries(OWNER_LABELS).map(([value, label]) => ({ value, label })) },
    money('balance_micro', { de: 'Guthaben', en: 'Balance' }, { readOnly: true }),
    { name: 'currency', label: { de: 'Währung', en: 'Currency' }, type: 'text', readOnly: true },
    createdAt(),
    updatedAt(),
  ],
  list: { columns: ['owner_kind', 'balance_micro', 'created_at'], filters: ['owner_kind'], search: [{ field: 'id', mode: 'exact' }], ordering: { field: 'created_at', direction: 'desc' }, sortable: ['balance_micro'] },
  allow: readOnly,
  inlines: [
    { resource: 'nadooit_network.inventory_entries', field: 'inventory_id', limit: 15 },
    { resource: 'nadooit_network.inventory_shares', field: 'inventory_id' },
  ],
  actions: [
    {
      name: 'credit',
      label: { de: 'Gutschrift', en: 'Credit' },
      description: { de: 'Bucht Geld in das Inventar (Journaleintrag „Gutschrift“).', en: 'Books money into the inventory (ledger entry "credit").' },
      permission: 'change',
      fields: [amountField(false), { name: 'note', label: { de: 'Notiz', en: 'Note' }, type: 'text', maxLength: 500 }],
      async run(ctx, ids, values) {
        for (const inventoryId of ids) await bookByStaff(ctx.tx, { ...staffActor(ctx), inventoryId, kind: 'credit', amountMicro: Number(values.amount), note: (values.note as string | null) ?? null });
      },
    },
    {
      name: 'correct',
      label: { de: 'Korrigieren', en: 'Correct' },
      description: { de: 'Eine Korrektur mit Begründung; das Guthaben kann nicht negativ werden.', en: 'A correction with a reason; the balance cannot go negative.' },
      permission: 'change',
      fields: [amountField(true), { name: 'note', label: { de: 'Begründung', en: 'Reason' }, type: 'text', required: true, maxLength: 500 }],
      async run(ctx, ids, values) {
        if (!Number(values.amount)) throw new ActionError(ctx.t('admin.error.amount'));
        for (const inventoryId of ids) await bookByStaff(ctx.tx, { ...staffActor(ctx), inventoryId, kind: 'correction', amountMicro: Number(values.amount), note: String(values.note) });
      },
    },
  ],
};

export const inventoryEntriesResource: AdminResource = {
  app: 'nadooit_network',
  appLabel,
  name: 'inventory_entries',
  table: 'net_inventory_entries',
  label: { de: 'Inventarbuchung', en: 'Inventory entry' },
  labelPlural: { de: 'Inventarbuchungen', en: 'Inventory entries' },
  title: { columns: ['kind', 'amount_micro'], format: (row, language) => `${KIND_LABELS[row.kind as keyof typeof KIND_LABELS]?.[language] ?? row.kind} ${formatMoney(Number(row.amount_micro), language)}` },
  fields: [
    relation('inventory_id', { de: 'Inventar', en: 'Inventory' }, 'nadooit_network.inventories', 'cascade', { readOnly: true }),
    { name: 'seq', label: { de: 'Nr.', en: 'No.' }, type: 'integer', readOnly: true },
    { name: 'kind', label: { de: 'Art', en: 'Kind' }, type: 'choice', readOnly: true, choices: INVENTORY_ENTRY_KINDS.map((value) => ({ value, label: KIND_LABELS[value] })) },
    { name: 'amount_micro', label: { de: 'Betrag', en: 'Amount' }, type: 'money', readOnly: true },
    { name: 'balance_after_micro', label: { de: 'Guthaben danach', en: 'Balance after' }, type: 'money', readOnly: true },
    { name: 'transfer_id', label: { de: 'Überweisung', en: 'Transfer' }, type: 'uuid', readOnly: true },
    relation('counterparty_inventory_id', { de: 'Gegenkonto', en: 'Counterparty' }, 'nadooit_network.inventories', 'set null', { readOnly: true }),
    { name: 'note', label: { de: 'Notiz', en: 'Note' }, type: 'text', readOnly: true },
    relation('author_user_id', { de: 'Gebucht von', en: 'Booked by' }, 'nadooit_auth.users', 'set null', { readOnly: true }),
    createdAt({ de: 'Gebucht', en: 'Booked' }),
  ],
  list: {
    columns: ['inventory_id', 'seq', 'kind', 'amount_micro', 'balance_after_micro', 'note', 'created_at'],
    filters: ['kind', 'inventory_id', 'created_at'],
    search: [{ field: 'transfer_id', mode: 'exact' }, { field: 'inventory_id', mode: 'exact' }],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  allow: readOnly,
  timestamps: 'none',
};

export const inventorySharesResource: AdminResource = {
  app: 'nadooit_network',
  appLabel,
  name: 'inventory_shares',
  table: 'net_inventory_shares',
  label: { de: 'Programmanteil im Inventar', en: 'Program share held' },
  labelPlural: { de: 'Programmanteile in Inventaren', en: 'Program shares held' },
  title: { columns: ['program_share_id'], format: (row) => String(row.program_share_id).slice(0, 8) },
  fields: [
    relation('inventory_id', { de: 'Inventar', en: 'Inventory' }, 'nadooit_network.inventories', 'cascade', { required: true, createOnly: true }),
    // A plain id: the program shares' admin has no search to pick one from.
    { name: 'program_share_id', label: { de: 'Programmanteil (ID)', en: 'Program share (id)' }, type: 'uuid', required: true, createOnly: true },
    createdAt(),
  ],
  list: { columns: ['program_share_id', 'inventory_id', 'created_at'], filters: ['inventory_id'], ordering: { field: 'created_at', direction: 'desc' } },
  allow: { change: false },
  timestamps: 'created',
  hooks: {
    async create(ctx, values) {
      return (await placeShare(ctx.tx, { ...staffActor(ctx), inventoryId: String(values.inventory_id), programShareId: String(values.program_share_id) })).id;
    },
  },
};

export const friendsResource: AdminResource = {
  app: 'nadooit_network',
  appLabel,
  name: 'friends',
  table: 'net_friends',
  label: { de: 'Freundschaft', en: 'Friendship' },
  labelPlural: { de: 'Freundeslisten', en: 'Friend lists' },
  title: { columns: ['member_id', 'friend_member_id'], format: (row) => `${String(row.member_id).slice(0, 8)} → ${String(row.friend_member_id).slice(0, 8)}` },
  fields: [member('member_id'), member('friend_member_id', { de: 'Freund', en: 'Friend' }), createdAt()],
  list: { columns: ['member_id', 'friend_member_id', 'created_at'], filters: ['member_id'], ordering: { field: 'created_at', direction: 'desc' } },
  allow: { add: false, change: false },
  timestamps: 'created',
};

export const groupsResource: AdminResource = {
  app: 'nadooit_network',
  appLabel,
  name: 'groups',
  table: 'net_groups',
  label: { de: 'Gruppe', en: 'Group' },
  labelPlural: { de: 'Gruppen', en: 'Groups' },
  help: { de: 'Gruppen haben höchstens 10 Mitglieder; Mitglieder nehmen die Gründer im NADOOIT OS auf.', en: 'Groups have at most 10 members; founders add them in NADOOIT OS.' },
  title: { columns: ['name'] },
  fields: [
    { name: 'name', label: { de: 'Name', en: 'Name' }, type: 'text', required: true, maxLength: 100 },
    member('created_by_member_id', { de: 'Gegründet von', en: 'Founded by' }),
    { name: 'member_count', label: { de: 'Mitglieder', en: 'Members' }, type: 'integer', readOnly: true },
    createdAt(),
    updatedAt(),
  ],
  list: { columns: ['name', 'member_count', 'created_by_member_id', 'created_at'], search: ['name'], ordering: { field: 'created_at', direction: 'desc' } },
  allow: { add: false },
  inlines: [{ resource: 'nadooit_network.group_members', field: 'group_id' }],
};

export const groupMembersResource: AdminResource = {
  app: 'nadooit_network',
  appLabel,
  name: 'group_members',
  table: 'net_group_members',
  label: { de: 'Gruppenmitglied', en: 'Group member' },
  labelPlural: { de: 'Gruppenmitglieder', en: 'Group members' },
  title: { columns: ['member_id'], format: (row) => String(row.member_id).slice(0, 8) },
  fields: [relation('group_id', { de: 'Gruppe', en: 'Group' }, 'nadooit_network.groups', 'cascade', { readOnly: true }), member('member_id'), createdAt()],
  list: { columns: ['group_id', 'member_id', 'created_at'], filters: ['group_id'], ordering: { field: 'created_at', direction: 'desc' } },
  // Memberships change only through the services, which keep the group's count and its limit.
  allow: readOnly,
  timestamps: 'created',
};

export const guildsResource: AdminResource = {
  app: 'nadooit_network',
  appLabel,
  name: 'guilds',
  table: 'net_guilds',
  label: { de: 'Gilde', en: 'Guild' },
  labelPlural: { de: 'Gilden', en: 'Guilds' },
  title: { columns: ['name'] },
  fields: [
    { name: 'name', label: { de: 'Name', en: 'Name' }, type: 'text', required: true, maxLength: 100 },
    { name: 'description', label: { de: 'Beschreibung', en: 'Description' }, type: 'textarea', maxLength: 2000 },
    relation('bank_inventory_id', { de: 'Gildenbank', en: 'Guild bank' }, 'nadooit_network.inventories', 'restrict', { readOnly: true }),
    member('created_by_member_id', { de: 'Gegründet von', en: 'Founded by' }),
    createdAt(),
    updatedAt(),
  ],
  list: { columns: ['name', 'bank_inventory_id', 'created_at'], search: ['name'], ordering: { field: 'created_at', direction: 'desc' } },
  // A guild's bank may hold money: guilds are never deleted from here.
  allow: { add: false, delete: false },
  inlines: [{ resource: 'nadooit_network.guild_members', field: 'guild_id' }],
};

export const guildMembersResource: AdminResource = {
  app: 'nadooit_network',
  appLabel,
  name: 'guild_members',
  table: 'net_guild_members',
  label: { de: 'Gildenmitglied', en: 'Guild member' },
  labelPlural: { de: 'Gildenmitglieder', en: 'Guild members' },
  title: { columns: ['member_id', 'role'], format: (row, language) => `${String(row.member_id).slice(0, 8)} (${ROLE_LABELS[row.role as keyof typeof ROLE_LABELS]?.[language] ?? row.role})` },
  fields: [
    relation('guild_id', { de: 'Gilde', en: 'Guild' }, 'nadooit_network.guilds', 'cascade', { readOnly: true }),
    member('member_id'),
    { name: 'role', label: { de: 'Rolle', en: 'Role' }, type: 'choice', readOnly: true, choices: GUILD_ROLES.map((value) => ({ value, label: ROLE_LABELS[value] })) },
    createdAt(),
    updatedAt(),
  ],
  list: { columns: ['guild_id', 'member_id', 'role', 'created_at'], filters: ['guild_id', 'role'], ordering: { field: 'created_at', direction: 'desc' } },
  // Roles change only through the guild's admins (the rule "a guild keeps an admin" lives in the service).
  allow: readOnly,
};

export const networkResources: AdminResource[] = [
  membersResource,
  inventoriesResource,
  inventoryEntriesResource,
  inventorySharesResource,
  friendsResource,
  groupsResource,
  groupMembersResource,
  guildsResource,
  guildMembersResource,
];
