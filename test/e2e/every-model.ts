import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/core/app-module.js';
import { createQueue } from '../../app/core/queue/index.js';
import { waitFor } from '../../app/core/queue/testing/support.js';
import { storeUpdate } from '../../app/bot_management/inbox.js';
import { telegramEntry } from '../../app/bot_management/telegram.js';
import type { FakePlatforms } from '../../app/bot_management/testing/fakes.js';
import { makeBot, tgUpdate } from '../../app/bot_management/testing/support.js';
import { addComment, listComplaints } from '../../app/nadoo_complaint_management/services.js';
import { setPaymentStatus } from '../../app/nadooit_api_executions_system/services/payment.js';
import { personWithKey, signInWithKey } from '../../app/nadooit_auth/testing/sign-in.js';
import { createCustomer } from '../../app/nadooit_crm/services.js';
import { grantKeyManager } from '../../app/nadooit_key/services.js';
import { demoWorld } from '../../app/nadooit_os/testing/demo.js';
import { ensureMember } from '../../app/nadooit_network/services/members.js';
import { bookByStaff } from '../../app/nadooit_network/services/inventory.js';
import { sendMoney } from '../../app/nadooit_network/services/money.js';
import { placeShare } from '../../app/nadooit_network/services/shares.js';
import { addFriend } from '../../app/nadooit_network/services/friends.js';
import { addGroupMember, createGroup } from '../../app/nadooit_network/services/groups.js';
import { addGuildMember, createGuild } from '../../app/nadooit_network/services/guilds.js';
import { createItem } from '../../app/nadoo_erp/services/items.js';
import { checkLowStock } from '../../app/nadoo_erp/services/alerts.js';
import { createProgramShare } from '../../app/nadooit_program_ownership_system/services.js';
import { order, section, sendSignal, visit } from '../../app/nadooit_website/testing/fixtures.js';
import { recomputeExperiment, startExperiment } from '../../app/nadooit_website/services/experiment.js';
import { storeFile } from '../../app/nadooit_website/services/files.js';
import { intakeVideo } from '../../app/nadooit_website/services/video-intake.js';
import { makeClip, useSmallLadder } from '../../app/nadooit_website/video/testing/clips.js';
import { transaction } from '../../app/core/db/transaction.js';
import { Readable } from 'node:stream';
import { askQuestion } from '../../app/nadooit_questions_and_answers/services.js';
import { customerTimeAccounts } from '../../app/nadooit_time_account/services.js';
import { requestTopUp } from '../../app/nadooit_time_account/top-up-requests.js';
import { openWorkTimeAccount } from '../../app/nadooit_time_account/work-time/access.js';
import { addEntry } from '../../app/nadooit_time_account/work-time/entries.js';
import { createProcess } from '../../app/nadooit_workflow/processes.js';
import { TestClient } from '../support/http.js';

const STAFF = { actorUserId: null, asStaff: true } as const;
const address = (name: string) => ({ addressedTo: name, street: 'Hauptstraße', houseNumber: '1', town: 'Köln', postalCode: '50667' });

/** A one-second OGG/Opus voice note made by ffmpeg, as Telegram delivers them. */
function voiceNote(): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), 'every-model-voice-'));
  try {
    const file = path.join(dir, 'voice.oga');
    execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libopus', '-f', 'ogg', file]);
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The id in a redirect to an admin detail or change page. */
function createdId(location: unknown, base: string): string {
  const match = new RegExp(`^${base}([0-9a-f-]{36})/`).exec(String(location ?? ''));
  assert.ok(match, `no redirect to the new row of ${base}: ${String(location)}`);
  return match[1]!;
}

/**
 * At least one row in every admin model, made the way the system makes them: through the apps' services
 * (the NADOOIT OS demo world, sign-ins, signals on the website), and for the models that only the admin
 * writes (employee time accounts, time clock entries, experiment groups, section transitions, permissions)
 * through the admin's own add forms, which also fills the audit log. A model added later needs a line here:
 * admin-resources.test.ts names every model still without a row.
 */
export async function everyModel(input: { context: AppContext; app: FastifyInstance; admin: TestClient; now: Date; fakes: FakePlatforms }): Promise<void> {
  const { context, app, admin, now, fakes } = input;
  const { settings } = context;
  const db = context.db.kysely;
  const w = await demoWorld(db, now);

  // Auth: a registered security key, a sign-in with it (session + security event), a key manager.
  const { user, authenticator } = await personWithKey(db, { displayName: 'Kira Key' });
  const signIn = await signInWithKey(new TestClient(app), authenticator, user.user_code);
  assert.ok(signIn.statusCode < 400, `sign-in with a key: ${signIn.statusCode} ${signIn.body}`);
  await grantKeyManager(db, user.id, { can_create_keys: true });

  // A queued job that is not due yet (the database queue keeps it in core_jobs).
  const queue = await createQueue(settings, context.db, [{ name: 'test.every_model', handler: async () => undefined }], 'db');
  try {
    await queue.enqueue('test.every_model', { note: 'not due yet' }, { delayMs: 3_600_000 });
  } finally {
    await queue.close();
  }

  // CRM addresses, a program share, a payment status change, a complaint comment.
  await createCustomer(db, { name: 'Adressen GmbH', shippingAddress: address('Versand'), billingAddress: address('Rechnung') });
  await createProgramShare(db, w.a.programId);
  const [booking] = await db.selectFrom('ex_executions').select('id').where('payment_status', '=', 'NOT_PAID').where('in_complaint', '=', false).limit(1).execute();
  assert.ok(booking, 'the demo world has an open booking');
  await setPaymentStatus(db, { ...STAFF, executionId: booking.id, status: 'PAID', note: 'Überwiesen' });
  const [complaint] = await listComplaints(db, { ...STAFF });
  assert.ok(complaint, 'the demo world has a complaint');
  await addComment(db, { ...STAFF, complaintId: complaint.id, text: 'Wir sehen uns das an.' });

  // Workflow and work time: a process, a top-up request (its transition history), a work-time entry added
  // by a correction (entry and correction rows).
  await createProcess(db, { ...STAFF, customerId: w.a.customerId, name: 'Posteingang', programIds: [w.a.programId] });
  const [funded] = await customerTimeAccounts(db, w.a.customerId);
  await requestTopUp(db, { ...STAFF, customerTimeAccountId: funded!.customerTimeAccountId, seconds: 3600, note: 'Bestellung' });
  const workTime = await openWorkTimeAccount(db, { ...STAFF, customerId: w.a.customerId, userId: w.boss.userId, weeklyWorkSeconds: 40 * 3600 });
  await addEntry(db, { ...STAFF, employeeTimeAccountId: workTime.id, startedAt: new Date(now.getTime() - 3 * 3_600_000), endedAt: new Date(now.getTime() - 3_600_000), reason: 'Nachgetragen' });

  // Network: two members (they join on first use), money credited and sent, a share, a friend, a group, a guild.
  const giver = await ensureMember(db, w.boss.userId);
  await ensureMember(db, user.id);
  await bookByStaff(db, { ...STAFF, inventoryId: giver.inventory_id, kind: 'credit', amountMicro: 50_000_000, note: 'Startguthaben' });
  await sendMoney(db, { actorUserId: w.boss.userId, toUserCode: user.user_code, amountMicro: 5_000_000 });
  await placeShare(db, { ...STAFF, inventoryId: giver.inventory_id, programShareId: (await createProgramShare(db, w.a.programId)).id });
  await addFriend(db, { actorUserId: w.boss.userId, userCode: user.user_code });
  const group = await createGroup(db, { actorUserId: w.boss.userId, name: 'Stammtisch' });
  await addGroupMember(db, { actorUserId: w.boss.userId, groupId: group.id, userCode: user.user_code });
  const guild = await createGuild(db, { actorUserId: w.boss.userId, name: 'Automatisierer' });
  await addGuildMember(db, { actorUserId: w.boss.userId, guildId: guild.id, userCode: user.user_code });

  // ERP: an item below its minimum (its opening stock is a movement) and the low-stock job's alert.
  await createItem(db, { ...STAFF, customerId: w.a.customerId, fields: { sku: 'B-8', description: 'Bohrer 8 mm', price: '4,50', condition: 'neu', minimum_quantity: '5', quantity: '3' } });
  await checkLowStock(db, now);

  // Website: sections with signals and categories in an order with a plugin, one visit with signals.
  const first = await section(db, 'Willkommen', { signals: ['revealed', 'vote'], categories: ['fast_and_engaged'] });
  const second = await section(db, 'Leistungen', { signals: ['click'] });
  const orderId = await order(db, 'Start', [first, second], { plugins: [{ name: 'Kontakt', html: '<aside>Kontakt</aside>' }] });
  const seen = await visit(app);
  assert.ok(seen.sessionId && seen.token, `the website page carries a session: ${seen.response.statusCode}`);
  for (const [sectionId, type] of [[first, 'revealed'], [first, 'upvote']] as const) {
    const signal = await sendSignal(app, `/signal/${seen.sessionId}/${sectionId}/${type}/`, seen.token);
    assert.equal(signal.statusCode, 200, `${type}: ${signal.body}`);
  }
  const impressum = await app.inject({ method: 'GET', url: '/impressum', headers: { host: 'localhost' } }); // made on its first view
  assert.equal(impressum.statusCode, 200, `/impressum: ${impressum.statusCode}`);
  const question = await askQuestion(db, { sessionId: seen.sessionId, question: 'Welche Bots bietet ihr an?' });
  assert.ok(question.id, 'the question is stored');
  // The experiment over the orders, with one run of its scheduled job (allocation and arms).
  await startExperiment(db, { name: 'Startseite', goal: 'question_asked' });
  await recomputeExperiment(db);

  // Bots, through bot_management's test support against its fake Telegram and chat APIs (settings of
  // FakePlatforms): the test bot's /start and /update dialogue, an advert from /create, a photo, a voice note.
  const bot = await makeBot(context, 'testbot');
  fakes.files.set('voice/every-model.oga', voiceNote());
  const advert = `<b>Fahrradklingel</b> ${'aus Messing, laut und klar. '.repeat(6)}`;
  fakes.chatReplies.push(advert, advert);
  for (const update of [
    tgUpdate({ chatId: 61, text: '/start' }),
    tgUpdate({ chatId: 61, text: '/update' }),
    tgUpdate({ chatId: 61, text: '/create' }),
    tgUpdate({ chatId: 61, photoCaption: 'Ein Foto' }),
    tgUpdate({ chatId: 61, voice: { file_id: 'every-model', file_unique_id: 'u-every-model', duration: 1 } }),
  ]) {
    await storeUpdate(context, bot.platformId, telegramEntry(update as never));
  }
  const settled = async () => (await db.selectFrom('bot_updates').select('id').where('status', '=', 'pending').execute()).length === 0;
  await waitFor(settled, 'the bot updates are processed');
  const failed = await db.selectFrom('bot_updates').select(['kind', 'last_error']).where('status', '=', 'failed').execute();
  assert.deepEqual(failed, [], 'every bot update was processed');
  // Nothing in the system writes adverts yet (the admin only shows them), so one is stored as a row.
  await db.insertInto('bot_advertisements').values({ id: randomUUID(), bot_platform_id: bot.platformId, text: advert, item: '{}', created_at: now.toISOString() } as never).execute();

  // What only the admin writes, through its add forms (each also writes the audit log).
  const add = async (base: string, form: Record<string, string>) => {
    await admin.get(`${base}add`);
    const response = await admin.post(`${base}add`, { ...form, _continue: '1' }); // on to the new row's change page
    assert.ok([302, 303].includes(response.statusCode), `${base}add: ${response.statusCode} ${response.body.slice(0, 500)}`);
    return createdId(response.headers.location, base);
  };
  const [timeAccount] = await db.selectFrom('ta_time_accounts').select('id').limit(1).execute();
  const employeeTimeAccount = await add('/admin/nadooit_time_account/employee_time_accounts/', {
    time_account_id: timeAccount!.id,
    employee_id: w.boss.employeeId,
    customer_id: w.a.customerId,
  });
  await add('/admin/nadooit_time_account/work_time_entries/', { employee_time_account_id: employeeTimeAccount, work_date: '2025-06-18', work_time: '08:30', entry_type: 'IN' });
  await add('/admin/nadooit_website/experiment_groups/', { name: 'Gruppe A', section_order_id: orderId });
  await add('/admin/nadooit_website/section_transitions/', { section_1_id: first, section_2_id: second, transition_percentage: '40' });
  await add('/admin/nadooit_admin/permissions/', { user_id: w.boss.userId, resource: 'nadooit_crm.customers', permission: 'view' });

  // Video (uploads end in the intake; the inline queue transcodes a tiny clip at once) and a download.
  useSmallLadder(settings);
  const video = await intakeVideo(context, makeClip({ seconds: 2 }), { title: 'Imagefilm', originalName: 'imagefilm.mp4' });
  assert.equal(video.kind, 'created');
  await transaction(db, (tx) => storeFile(tx, settings, { name: 'Preisliste', originalName: 'preisliste.txt', contentType: 'text/plain', stream: Readable.from([Buffer.from('Preise\n')]), maxBytes: 1024 }));
}
