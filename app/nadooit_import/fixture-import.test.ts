import { after, before, beforeEach, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeEachBackend, describeUnless, describeWith, serviceUrl } from '../../test/support/harness.js';
import { LEGACY_FIXTURE_DB, legacyFixtureOnPostgres, legacyManifest, missingLegacyFixture } from '../../test/support/legacy-fixture.js';
import type { LegacyManifest } from '../../test/support/legacy-fixture.js';
import type { Settings } from '../core/config.js';
import type { DB } from '../core/db/connection.js';
import { openLegacySource } from '../core/legacy/source.js';
import { verifyPassword } from '../nadooit_auth/services/passwords.js';
import { verifyLedger } from '../nadooit_time_account/ledger.js';
import { formatDecimal, parseDecimal } from '../nadooit_api_executions_system/services/index.js';
import { ensureContract, getOrCreateEmployee } from '../nadooit_hr/services/index.js';
import { botCode } from '../bot_management/registry.js';
import { botsCommand } from '../bot_management/commands.js';
import { FakePlatforms } from '../bot_management/testing/fakes.js';
import { decryptToken, tokenKey } from '../bot_management/secrets.js';
import { verifyStock } from '../nadoo_erp/services/stock.js';
import { makeClip } from '../nadooit_website/video/testing/clips.js';
import { createStaff, staffLogin } from '../../test/e2e/admin-support.js';
import { importDjango } from './run.js';
import type { ImportOptions } from './run.js';

/** Each target table and the original's table it is imported from (one row each). */
const COUNTED: Record<string, string> = {
  users: 'nadooit_auth_user',
  crm_addresses: 'nadooit_crm_address',
  crm_billing_addresses: 'nadooit_crm_billingadress',
  crm_shipping_addresses: 'nadooit_crm_shippingadress',
  crm_customers: 'nadooit_crm_customer',
  hr_employees: 'nadooit_hr_employee',
  hr_employee_contracts: 'nadooit_hr_employeecontract',
  hr_employee_manager_contracts: 'nadooit_hr_employeemanagercontract',
  hr_customer_program_manager_contracts: 'nadooit_hr_customerprogrammanagercontract',
  hr_customer_program_execution_manager_contracts: 'nadooit_hr_customerprogramexecutionmanagercontract',
  hr_time_account_manager_contracts: 'nadooit_hr_timeaccountmanagercontract',
  hr_customer_manager_contracts: 'nadooit_hr_customermanagercontract',
  key_managers: 'nadooit_key_keymanager',
  program_programs: 'nadooit_program_program',
  ta_time_accounts: 'nadooit_time_account_timeaccount',
  ta_customer_time_accounts: 'nadooit_time_account_customertimeaccount',
  ta_employee_time_accounts: 'nadooit_time_account_employeetimeaccount',
  ta_work_time_account_entries: 'nadooit_time_account_worktimeaccountentry',
  pos_customer_programs: 'nadooit_program_ownership_system_customerprogram',
  pos_program_shares: 'nadooit_program_ownership_system_programshare',
  api_keys: 'nadooit_api_key_nadooitapikey',
  api_key_managers: 'nadooit_api_key_nadooitapikeymanager',
  api_key_manager_customers: 'nadooit_api_key_nadooitapikeymanager_list_of_customers_the_manager_is_responsible_for',
  api_key_manager_appointees: 'nadooit_api_key_nadooitapikeymanager_list_of_employees_the_manager_has_given_the_role_to',
  ex_executions: 'nadooit_api_executions_system_customerprogramexecution',
  cm_complaints: 'nadoo_complaint_management_complaint',
  qa_questions: 'nadooit_questions_and_answers_question_answer',
  web_categories: 'nadooit_website_category',
  web_signal_options: 'nadooit_website_signals_option',
  web_sections: 'nadooit_website_section',
  web_section_categories: 'nadooit_website_section_categories',
  web_section_signal_options: 'nadooit_website_section_signal_options',
  web_plugins: 'nadooit_website_plugin',
  web_section_orders: 'nadooit_website_section_order',
  web_order_sections: 'nadooit_website_section_order_sections_through_model',
  web_order_plugins: 'nadooit_website_section_order_plugins',
  web_section_scores: 'nadooit_website_sectionscore',
  web_visits: 'nadooit_website_visit',
  web_experiment_groups: 'nadooit_website_experimentgroup',
  web_sessions: 'nadooit_website_session',
  web_session_shown_sections: 'nadooit_website_session_shown_sections',
  web_session_signals: 'nadooit_website_session_signal',
  bot_bots: 'bot_management_bot',
  bot_platforms: 'bot_management_botplatform',
  bot_users: 'bot_management_user',
  bot_chats: 'bot_management_chat',
  bot_voices: 'bot_management_voice',
  bot_voice_files: 'bot_management_voicefile',
  bot_messages: 'bot_management_message',
  bot_photo_messages: 'bot_management_photomessage',
  bot_telegram_photos: 'bot_management_telegramphoto',
  bot_advertisements: 'bot_management_advertisement',
  bot_advertisement_messages: 'bot_management_advertisement_messages',
  wf_processes: 'nadooit_workflow_process',
  wf_process_programs: 'nadooit_workflow_process_list_of_nadooit_programs',
  wf_process_triggers: 'nadooit_workflow_process_tiggers_process',
  erp_items: 'nadoo_erp_item',
  web_videos: 'nadooit_website_video',
  web_files: 'nadooit_website_file',
  net_inventories: 'nadooit_network_nadooitinventory',
  net_members: 'nadooit_network_nadooitnetworkmember',
  net_friends: 'nadooit_network_nadooitnetworkfriendslist_friend_list',
  net_groups: 'nadooit_network_nadooitnetworkgroup',
  net_group_members: 'nadooit_network_nadooitnetworkgroup_members',
  net_guilds: 'nadooit_network_nadooitguild',
  net_guild_members: 'nadooit_network_nadooitguild_member_list',
  net_inventory_shares: 'nadooit_network_nadooitinventory_list_of_nadooit_program_ownership_shares',
};

/** Rows of a table that the fixture holds on purpose and that are reported instead (an ERP item without customer). */
const REPORTED_ROWS: Record<string, number> = { nadoo_erp_item: 1 };

const expectedCount = (manifest: LegacyManifest, legacy: string) => manifest.row_counts[legacy]! - (REPORTED_ROWS[legacy] ?? 0);

/** The original's tables whose rows are reported as not imported, every row with its reason. */
const NOT_IMPORTED = [
  'bot_management_apikey',
  'nadooit_website_videoresolution',
];

function assertOnlyKnownProblems(report: Awaited<ReturnType<typeof importDjango>>, manifest: LegacyManifest): void {
  const unexpected = report.problems.filter((p) => !(NOT_IMPORTED.includes(p.legacyTable) || p.legacyTable in REPORTED_ROWS) || !p.reason);
  assert.deepEqual(unexpected, []);
  for (const [table, rows] of Object.entries(REPORTED_ROWS)) assert.equal(report.problems.filter((p) => p.legacyTable === table).length, rows, `${table} rows reported`);
  for (const table of NOT_IMPORTED) {
    assert.equal(report.problems.filter((p) => p.legacyTable === table).length, manifest.row_counts[table], `${table} rows reported`);
  }
}

/** Telegram's API for `manage bots set_webhooks` after the import (127.0.0.1); without the fixture nothing listens, so the file ends. */
const fakes = missingLegacyFixture() ? (undefined as unknown as FakePlatforms) : await new FakePlatforms().start();

/** The settings of the system the running test imports into (bot tokens are encrypted with its key). */
let currentSettings: Settings | undefined;

const dashed = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
/** Django's UTC text to this system's ISO form (milliseconds). */
const iso = (text: string) => new Date(`${text.replace(' ', 'T')}Z`).toISOString();

async function importFixture(db: DB, options: ImportOptions = {}, from = LEGACY_FIXTURE_DB) {
  const source = await openLegacySource(from);
  try {
    return await importDjango(db, source, { settings: currentSettings, ...options });
  } finally {
    await source.close();
  }
}

/** Rows of the original's tables, read from the fixture itself (for comparisons the manifest does not list). */
async function legacyRows(tables: string[], key = 'id'): Promise<Record<string, Array<Record<string, unknown>>>> {
  const source = await openLegacySource(LEGACY_FIXTURE_DB);
  try {
    const result: Record<string, Array<Record<string, unknown>>> = {};
    for (const table of tables) {
      result[table] = [];
      for await (const row of source.rows(table, { key })) result[table]!.push(row);
    }
    return result;
  } finally {
    await source.close();
  }
}

/** The sections of one of the original's section orders, in its order, with their HTML. */
async function legacySections(orderHex: string): Promise<Array<{ id: string; html: string }>> {
  const rows = await legacyRows(['nadooit_website_section_order_sections_through_model']);
  const sections = new Map((await legacyRows(['nadooit_website_section'], 'section_id')).nadooit_website_section!.map((x) => [String(x.section_id), String(x.html)]));
  return rows.nadooit_website_section_order_sections_through_model!
    .filter((r) => r.section_order_id === orderHex)
    .sort((a, b) => Number(a.order) - Number(b.order))
    .map((r) => ({ id: dashed(String(r.section_id)), html: sections.get(String(r.section_id))! }));
}

/** Text between tags of a section's HTML (no template tags), as the page must show it. */
function visibleTexts(html: string): string[] {
  return [...html.matchAll(/>([^<>{}]+)</g)].map((m) => m[1]!.replace(/\s+/g, ' ').trim()).filter((t) => t.length >= 12 && !/[&"']/.test(t));
}

async function countRows(db: DB, table: string): Promise<number> {
  const any = db as unknown as DB & { selectFrom(t: string): any };
  const row = await any.selectFrom(table).select((eb: any) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Where this system answers differently from the original on purpose. */
function expectedAnswer(key: LegacyManifest['api_keys'][number]): { status: number; body: Record<string, string> } {
  if (!key.customer_program_is_active && key.api_response_at_reference_now.status === 200) {
    // Fix D3: the original booked on a deactivated program.
    return { status: 400, body: { error: 'Das Programm ist deaktiviert; es nimmt keine Buchungen an.' } };
  }
  return key.api_response_at_reference_now;
}

describeUnless(missingLegacyFixture(), 'manage import_django with the original installation (fixture)', () => {
  const manifest = missingLegacyFixture() ? (undefined as unknown as LegacyManifest) : legacyManifest();
  after(() => fakes.stop());

  describeEachBackend('import of the legacy fixture', (h) => {
    const db = () => h().system.context.db.kysely;
    beforeEach(() => {
      currentSettings = h().system.context.settings;
    });

    it('a dry run reports every row it would import and writes nothing', async () => {
      const before = await Promise.all(Object.keys(COUNTED).map((t) => countRows(db(), t)));
      const report = await importFixture(db(), { dryRun: true });
      assert.deepEqual(await Promise.all(Object.keys(COUNTED).map((t) => countRows(db(), t))), before);
      assert.equal(report.outcome('ex_executions').read, manifest.row_counts.nadooit_api_executions_system_customerprogramexecution);
      assert.ok(report.changes > 0);
    });

    it('imports every row the manifest counts', async () => {
      const report = await importFixture(db());
      assertOnlyKnownProblems(report, manifest);
      for (const [target, legacy] of Object.entries(COUNTED)) {
        assert.equal(await countRows(db(), target), expectedCount(manifest, legacy), `${target} ← ${legacy}`);
      }
    });

    it('keeps people with their codes, flags and the one verifiable password', async () => {
      await importFixture(db());
      for (const user of manifest.users) {
        const row = await db().selectFrom('users').selectAll().where('id', '=', dashed(user.id)).executeTakeFirstOrThrow();
        assert.deepEqual(
          [row.user_code, row.display_name, row.is_active, row.is_staff, row.is_superuser, row.created_at, row.last_login],
          [user.user_code, user.display_name, user.is_active, user.is_staff, user.is_superuser, iso(user.date_joined), user.last_login && iso(user.last_login)],
          user.username,
        );
        if (user.username === manifest.superuser.username) assert.equal(await verifyPassword(row.password_hash, manifest.superuser.password), true);
        else assert.equal(row.password_hash, null, `${user.username} has no password the system can verify`);
      }
    });

    it('keeps balances as opening ledger entries, prices exactly and every booking with its status and price', async () => {
      await importFixture(db());
      for (const account of manifest.time_accounts) {
        const row = await db().selectFrom('ta_time_accounts').selectAll().where('id', '=', dashed(account.id)).executeTakeFirstOrThrow();
        assert.deepEqual([Number(row.balance_seconds), row.name, row.is_active], [account.time_balance_in_seconds, account.name, account.is_active]);
        for (const cta of account.customer_time_accounts) {
          const link = await db().selectFrom('ta_customer_time_accounts').selectAll().where('id', '=', dashed(cta.id)).executeTakeFirstOrThrow();
          assert.deepEqual([link.name, link.time_account_id], [cta.name, dashed(account.id)]);
        }
      }
      assert.deepEqual(await verifyLedger(db()), []);
      for (const cp of manifest.customer_programs) {
        const row = await db().selectFrom('pos_customer_programs').selectAll().where('id', '=', dashed(cp.id)).executeTakeFirstOrThrow();
        assert.deepEqual(
          [row.pricing_mode, Number(row.price_per_second), row.program_time_saved_per_execution_in_seconds, row.is_active, row.over_charge, row.time_account_id],
          [cp.fixed_price_per_second ? 'fixed' : 'tiered', parseDecimal(cp.price_per_second), cp.program_time_saved_per_execution_in_seconds, cp.is_active, cp.over_charge, cp.time_account_id && dashed(cp.time_account_id)],
        );
        const totals = await db()
          .selectFrom('ex_executions')
          .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('time_saved_seconds').as('seconds')])
          .where('customer_program_id', '=', dashed(cp.id))
          .executeTakeFirstOrThrow();
        assert.deepEqual([Number(totals.n), Number(totals.seconds ?? 0)], [cp.executions, cp.executions_total_seconds]);
      }
      for (const [status, expected] of Object.entries(manifest.executions.by_payment_status)) {
        const rows = await db().selectFrom('ex_executions').select('price').where('payment_status', '=', status as never).execute();
        const prices = rows.map((r) => Number(r.price));
        assert.deepEqual(
          [rows.length, prices.filter((p) => p > 0).length, formatDecimal(prices.reduce((a, b) => a + b, 0))],
          [expected.count, expected.with_price, expected.price_sum],
          status,
        );
      }
      for (const sample of manifest.executions.samples) {
        const row = await db().selectFrom('ex_executions').selectAll().where('id', '=', dashed(sample.id)).executeTakeFirstOrThrow();
        assert.deepEqual(
          [row.customer_program_id, row.time_saved_seconds, formatDecimal(Number(row.price)), formatDecimal(Number(row.price_per_second)), row.payment_status, row.created_at, row.updated_at],
          [dashed(sample.customer_program_id), sample.program_time_saved_in_seconds, sample.price_for_execution, sample.price_per_second_at_the_time_of_execution, sample.payment_status, iso(sample.created_at), iso(sample.updated_at)],
        );
      }
    });

    it('keeps the section orders with their sections and plugins, and `/` shows the main order the original hard-codes', async () => {
      await importFixture(db());
      const main = dashed(manifest.website.home_page_section_order_id);
      const active = await db().selectFrom('web_section_orders').select('id').where('is_active', '=', true).execute();
      assert.deepEqual(active.map((o) => o.id), [main], 'the main order is the only active one');
      for (const order of manifest.website.section_orders) {
        const row = await db().selectFrom('web_section_orders').selectAll().where('id', '=', dashed(order.id)).executeTakeFirstOrThrow();
        const sections = await db().selectFrom('web_order_sections').select('section_id').where('order_id', '=', row.id).execute();
        const plugins = await db().selectFrom('web_order_plugins').select('plugin_id').where('order_id', '=', row.id).execute();
        assert.deepEqual([row.created_at, sections.length, plugins.length], [iso(order.created), order.sections, order.plugins], order.id);
      }
      const legacy = await legacySections(manifest.website.home_page_section_order_id);
      const res = await (await h().app()).inject({ method: 'GET', url: '/' });
      assert.equal(res.statusCode, 200, res.body);
      const shown = [...res.body.matchAll(/data-section-id="([^"]+)"/g)].map((m) => m[1]);
      assert.ok(shown.length > 0, 'the page shows sections');
      assert.deepEqual(shown, legacy.slice(0, shown.length).map((s) => s.id), 'the main order\'s sections, in the original\'s order');
      for (const section of legacy.slice(0, shown.length)) {
        const texts = visibleTexts(section.html);
        assert.ok(texts.length === 0 || texts.some((t) => res.body.includes(t)), `the content of section ${section.id} appears: ${texts.join(' | ')}`);
      }
      const signals = (await legacyRows(['nadooit_website_session_signal'], 'session_signal_id')).nadooit_website_session_signal!;
      const voted = new Set(signals.filter((x) => x.session_signal_type === 'upvote' || x.session_signal_type === 'downvote').map((x) => `${x.session_id}:${x.section_id}`));
      assert.equal(await countRows(db(), 'web_session_votes'), voted.size, 'one vote per session and section, as the live system keeps them');
      assert.equal([...res.body.matchAll(/data-plugin-id="/g)].length, manifest.website.section_orders.find((o) => o.id === manifest.website.home_page_section_order_id)!.plugins);
    });

    it('the statistics page shows the imported visits and sessions over their time range', async () => {
      await importFixture(db());
      const sessions = await legacyRows(['nadooit_website_session'], 'session_id');
      const humans = sessions.nadooit_website_session!.filter((x) => !Number(x.is_bot_visit)).length;
      const bots = sessions.nadooit_website_session!.length - humans;
      const visits = manifest.row_counts.nadooit_website_visit!;
      const staff = await staffLogin(await h().app(), await createStaff(db(), h().settings, { grants: [['nadooit_website.sessions', 'view']] }));
      const page = await staff.get('/website/statistics?from=2024-06-01&to=2025-08-31');
      assert.equal(page.statusCode, 200, page.body.slice(0, 300));
      assert.match(page.body, new RegExp(`id="statistics-totals">${visits} Besuche, ${humans} Sitzungen, ${bots} Bot-Sitzungen, \\d+ Conversions<`));
      assert.match(page.body, /id="stats-from" name="from" value="2024-06-01"/);
    });

    it('keeps the bots: register ids, tokens readable with the bot key, messages in and out; the webhook refuses deliveries until set_webhooks', async () => {
      await importFixture(db());
      const legacy = await legacyRows(['bot_management_botplatform', 'bot_management_user', 'bot_management_message', 'bot_management_bot']);
      const key = tokenKey(h().system.context.settings);
      const app = await h().app();
      for (const platform of legacy.bot_management_botplatform!) {
        const row = await db().selectFrom('bot_platforms').selectAll().where('register_id', '=', dashed(String(platform.bot_register_id))).executeTakeFirstOrThrow();
        assert.deepEqual([row.platform, decryptToken(key, row.access_token_enc!), row.secret_token_hash, row.phone_number], [platform.platform, platform.access_token, null, platform.phone_number]);
        if (row.platform !== 'telegram') continue;
        for (const headers of [{}, { 'x-telegram-bot-api-secret-token': String(platform.secret_token) }]) {
          const res = await app.inject({ method: 'POST', url: `/bot/telegram/webhook/${row.register_id}`, payload: { update_id: 1, message: { message_id: 1, date: 1, chat: { id: 1, type: 'private' }, text: 'x' } }, headers });
          assert.equal(res.statusCode, 401, res.body);
        }
      }
      assert.equal(await countRows(db(), 'bot_updates'), 0, 'nothing was stored from a refused delivery');
      for (const bot of legacy.bot_management_bot!) {
        const row = await db().selectFrom('bot_bots').selectAll().where('name', '=', String(bot.name)).executeTakeFirstOrThrow();
        assert.ok(botCode(row.code), `the code "${row.code}" of bot ${row.name} is registered`);
      }
      const botUsers = new Set(legacy.bot_management_user!.filter((u) => u.is_bot === 1).map((u) => String(u.id)));
      const outgoing = legacy.bot_management_message!.filter((m) => botUsers.has(String(m.from_user_id))).length;
      const directions = await db().selectFrom('bot_messages').select(['direction', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('direction').orderBy('direction').execute();
      assert.deepEqual(directions.map((d) => [d.direction, Number(d.n)]), [['in', legacy.bot_management_message!.length - outgoing], ['out', outgoing]]);
    });

    it('ERP items keep exact prices and their stock as an opening movement; processes keep their chain', async () => {
      await importFixture(db());
      const bell = await db().selectFrom('erp_items').selectAll().where('sku', '=', 'ALT-1').executeTakeFirstOrThrow();
      assert.deepEqual([Number(bell.price_micro), Number(bell.quantity_available), Number(bell.minimum_quantity)], [830_000, 14_184, 1_008]);
      const movements = await db().selectFrom('erp_stock_movements').select(['kind', 'quantity']).where('item_id', '=', bell.id).execute();
      assert.deepEqual(movements.map((m) => [m.kind, Number(m.quantity)]), [['opening', 14_184]]);
      assert.deepEqual(await verifyStock(db()), []);
      const printer = await db().selectFrom('erp_items').select('id').where('sku', '=', 'ALT-4').executeTakeFirst();
      assert.equal(printer, undefined, 'the item without a customer is reported, not imported');
      const triggers = await db().selectFrom('wf_process_triggers').select(['process_id', 'triggered_process_id']).execute();
      assert.ok(triggers.some((t) => t.process_id === dashed('85e080eb60774a0eb4dd0b457be3505c') && t.triggered_process_id === dashed('1a87b3e869f8475d918eaf4713d601e9')));
    });

    it('the network keeps its members, money (whole euros → exact units, as credits), friends, group, guild with roles and bank, and shares', async () => {
      await importFixture(db());
      const legacy = await legacyRows(['nadooit_network_nadooitinventory', 'nadooit_network_nadooitguildbank', 'nadooit_network_nadooitnetworkguildmember']);
      for (const inventory of legacy.nadooit_network_nadooitinventory!) {
        const id = dashed(String(inventory.id));
        const row = await db().selectFrom('net_inventories').select(['balance_micro', 'owner_kind']).where('id', '=', id).executeTakeFirstOrThrow();
        assert.equal(Number(row.balance_micro), Number(inventory.money) * 1_000_000, `inventory ${id}`);
        const entries = await db().selectFrom('net_inventory_entries').select(['kind', 'amount_micro']).where('inventory_id', '=', id).execute();
        assert.deepEqual(entries.map((e) => [e.kind, Number(e.amount_micro)]), Number(inventory.money) ? [['credit', Number(inventory.money) * 1_000_000]] : []);
      }
      const bank = dashed(String(legacy.nadooit_network_nadooitguildbank![0]!.guild_inventory_id));
      const guild = await db().selectFrom('net_guilds').selectAll().executeTakeFirstOrThrow();
      assert.deepEqual([guild.name, guild.bank_inventory_id], ['NADOO Automatisierer', bank], 'the one bank belongs to the one guild');
      const roles = await db().selectFrom('net_guild_members').select(['member_id', 'role']).where('guild_id', '=', guild.id).execute();
      assert.deepEqual(
        roles.map((r) => [r.member_id, r.role]).sort(),
        legacy.nadooit_network_nadooitnetworkguildmember!.map((m) => [dashed(String(m.nadooit_network_member_id)), String(m.guild_role).toLowerCase()]).sort(),
      );
      const group = await db().selectFrom('net_groups').select(['member_count']).executeTakeFirstOrThrow();
      assert.equal(Number(group.member_count), 3);
    });

    it('videos and downloads: rows always; with --media the files are copied, the video probed and queued for transcoding', async () => {
      const videoId = dashed('7074c1e5cf604fe5b430226594a11df0');
      const fileId = dashed('cd6cee07732841d788170498004e331a');
      await importFixture(db());
      const waiting = await db().selectFrom('web_videos').selectAll().where('id', '=', videoId).executeTakeFirstOrThrow();
      assert.deepEqual([waiting.title, waiting.status], ['NADOOIT', 'failed']);
      assert.match(String(waiting.error), /original_videos\/7074c1e5-cf60-4fe5-b430-226594a11df0\.mp4/);
      assert.equal(Number((await db().selectFrom('web_files').select('size').where('id', '=', fileId).executeTakeFirstOrThrow()).size), 0);

      const mediaDir = mkdtempSync(path.join(tmpdir(), 'nadooit-legacy-media-'));
      mkdirSync(path.join(mediaDir, 'original_videos'));
      mkdirSync(path.join(mediaDir, 'uploads'));
      const clip = makeClip({ seconds: 1 });
      copyFileSync(clip, path.join(mediaDir, 'original_videos/7074c1e5-cf60-4fe5-b430-226594a11df0.mp4'));
      writeFileSync(path.join(mediaDir, 'uploads/NADOOIT_Manifest.pdf'), '%PDF-1.4 manifest');
      const dry = await importFixture(db(), { dryRun: true, mediaDir });
      assert.ok(dry.outcome('web_videos').updated === 1);
      assert.equal((await db().selectFrom('web_videos').select('status').where('id', '=', videoId).executeTakeFirstOrThrow()).status, 'failed', 'a dry run writes nothing');
      assert.equal(existsSync(path.join(currentSettings!.mediaRoot, 'uploads/NADOOIT_Manifest.pdf')), false, 'nor copies anything');

      const queued: unknown[] = [];
      const report = await importFixture(db(), { mediaDir, queue: { enqueueWithin: async (_tx, hooks, task, payload) => hooks.afterCommit(() => queued.push([task, payload])) } });
      const video = await db().selectFrom('web_videos').selectAll().where('id', '=', videoId).executeTakeFirstOrThrow();
      assert.deepEqual([video.status, video.error, video.content_hash], ['queued', null, createHash('sha256').update(readFileSync(clip)).digest('hex')]);
      assert.ok(Number(video.duration_ms) > 0 && Number(video.width) === 320);
      assert.deepEqual(readFileSync(path.join(currentSettings!.mediaRoot, 'private', video.original_path)), readFileSync(clip));
      assert.deepEqual(queued, [['nadooit_website.transcode_video', { videoId }]]);
      const file = await db().selectFrom('web_files').selectAll().where('id', '=', fileId).executeTakeFirstOrThrow();
      assert.deepEqual([file.path, Number(file.size), file.content_type], ['uploads/NADOOIT_Manifest.pdf', 17, 'application/pdf']);
      assert.equal(readFileSync(path.join(currentSettings!.mediaRoot, file.path), 'utf8'), '%PDF-1.4 manifest');
      assert.equal(report.outcome('web_video_resolutions').skipped.length, 3, "the original's renditions are made anew");
      const again = await importFixture(db(), { mediaDir });
      assert.equal(again.outcome('web_videos').unchanged + again.outcome('web_files').unchanged, 2, 'importing again leaves them alone');
    });

    it('a second import of the same source changes nothing', async () => {
      await importFixture(db());
      const ledgerEntries = await countRows(db(), 'ta_ledger_entries');
      const again = await importFixture(db());
      assert.equal(again.changes, 0, JSON.stringify([...again.outcomes.values()].filter((o) => o.created || o.updated || o.removed)));
      assert.equal(await countRows(db(), 'ta_ledger_entries'), ledgerEntries);
    });

    it('every bot key books as before: the original\'s recorded answers, unchanged key and user code', async () => {
      await importFixture(db());
      const app = await h().app();
      for (const key of manifest.api_keys) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/executions',
          payload: new URLSearchParams({ NADOOIT__API_KEY: key.plain_key, NADOOIT__USER_CODE: key.owner_user_code, program_id: key.customer_program_id_dashed }).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        const want = expectedAnswer(key);
        assert.equal(res.statusCode, want.status, `${key.note}: ${res.body}`);
        const body = res.json() as Record<string, unknown>;
        for (const [field, value] of Object.entries(want.body)) assert.equal(body[field], value, key.note);
      }
      assert.deepEqual(await verifyLedger(db()), []);
    });

    it('the program without a time account books instead of failing (the original answered 400, fix D3)', async () => {
      await importFixture(db());
      const program = await db().selectFrom('pos_customer_programs').select(['id', 'customer_id']).where('time_account_id', 'is', null).executeTakeFirstOrThrow();
      const admin = manifest.api_keys[0]!;
      const user = await db().selectFrom('users').select('id').where('user_code', '=', admin.owner_user_code).executeTakeFirstOrThrow();
      await ensureContract(db(), (await getOrCreateEmployee(db(), user.id)).id, program.customer_id!);
      const res = await (await h().app()).inject({
        method: 'POST',
        url: '/api/executions',
        payload: new URLSearchParams({ NADOOIT__API_KEY: admin.plain_key, NADOOIT__USER_CODE: admin.owner_user_code, program_id: program.id }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual([res.json().covered_seconds, res.json().price], [0, '2.400000']);
    });
  });

  describeEachBackend(
    'switch-over of the imported bots',
    (h) => {
      beforeEach(() => {
        currentSettings = h().system.context.settings;
      });

      it('manage bots set_webhooks registers every imported Telegram bot under its old URL with its token and a fresh secret; deliveries with it are stored', async () => {
        const context = h().system.context;
        await importFixture(context.db.kysely);
        const lines: string[] = [];
        const exit = await botsCommand.run({ values: {}, positionals: ['set_webhooks'] }, context, { out: (l) => lines.push(l), err: (l) => lines.push(l), prompt: async () => '', interactive: false });
        assert.equal(exit, 0, lines.join('\n'));
        const telegram = (await legacyRows(['bot_management_botplatform'])).bot_management_botplatform!.filter((p) => p.platform === 'telegram');
        assert.ok(telegram.length > 0);
        for (const platform of telegram) {
          const registerId = dashed(String(platform.bot_register_id));
          const set = fakes.telegram(String(platform.access_token), 'setWebhook').at(-1);
          assert.ok(set, `setWebhook was called with the imported token of ${registerId}`);
          assert.equal(set.body.url, `https://bots.example.test/bot/telegram/webhook/${registerId}`);
          const update = { update_id: 990001, message: { message_id: 1, date: 1_700_000_000, chat: { id: 100000101, type: 'private', first_name: 'Lukas' }, from: { id: 100000101, is_bot: false, first_name: 'Lukas' }, text: '/start' } };
          const post = (secret?: string) =>
            h().app().then((app) => app.inject({ method: 'POST', url: `/bot/telegram/webhook/${registerId}`, payload: update, headers: secret ? { 'x-telegram-bot-api-secret-token': secret } : {} }));
          assert.equal((await post(String(platform.secret_token))).statusCode, 401, "the original's unused secret_token is not accepted");
          assert.equal((await post(set.body.secret_token)).statusCode, 200);
        }
        assert.equal(await countRows(context.db.kysely, 'bot_updates'), telegram.length);
      });
    },
    { queueDriver: 'db', settings: fakes.settings },
  );

  describeWith('postgres', 'the original on PostgreSQL', () => {
    let source: { url: string; drop(): Promise<void> } | null = null;
    before(async () => {
      source = await legacyFixtureOnPostgres(serviceUrl('postgres')!);
    });
    after(async () => source?.drop());

    describeEachBackend('import from a postgres:// URL', (h) => {
      const db = () => h().system.context.db.kysely;
      beforeEach(() => {
        currentSettings = h().system.context.settings;
      });

      it('imports the same rows as from the SQLite file: a later import from the file changes nothing', async () => {
        const report = await importFixture(db(), {}, source!.url);
        assertOnlyKnownProblems(report, manifest);
        for (const [target, legacy] of Object.entries(COUNTED)) {
          assert.equal(await countRows(db(), target), expectedCount(manifest, legacy), `${target} ← ${legacy}`);
        }
        const fromFile = await importFixture(db());
        assert.equal(fromFile.changes, 0, JSON.stringify([...fromFile.outcomes.values()].filter((o) => o.created || o.updated || o.removed)));
      });
    });
  });
});
