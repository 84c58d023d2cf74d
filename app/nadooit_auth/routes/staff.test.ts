import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { pbkdf2Sync } from 'node:crypto';
import { generate } from 'otplib';
import { describeEachBackend } from '../../../test/support/harness.js';
import { TestClient } from '../../../test/support/http.js';
import type { CommandIO } from '../../core/cli/registry.js';
import { createSuperuserCommand } from '../commands.js';
import { requireStaff, requireUser } from '../guards.js';
import { listSecurityEvents } from '../services/audit.js';
import { createUser } from '../services/users.js';
import { personWithKey, signInStaff, signInWithKey, staffWithTotp } from '../testing/sign-in.js';

const routes = (app: FastifyInstance) => {
  app.get('/__test/staff', async (request) => ({ staff: requireStaff(request).id }));
  app.get('/__test/user', async (request) => ({ user: requireUser(request).id }));
  app.get('/api/__test/user', async (request) => ({ user: requireUser(request).id }));
};

function silentIO(): CommandIO & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    interactive: false,
    out: (line) => void lines.push(line),
    err: (line) => void lines.push(line),
    prompt: async () => {
      throw new Error('no prompts in tests');
    },
  };
}

const codeAt = (secret: string, offsetSeconds = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });

describeEachBackend(
  'staff login with password and second factor',
  (h) => {
    const db = () => h().system.context.db.kysely;

    it('createsuperuser, first login enrols TOTP (QR code), shows recovery codes once, next login asks for a code', async () => {
      const io = silentIO();
      const values = { username: 'admin', password: 'a long passphrase for ops', email: 'admin@example.com', 'display-name': 'Admin', 'no-input': true };
      assert.equal(await createSuperuserCommand.run({ values, positionals: [] }, h().system.context, io), undefined);
      assert.match(io.lines.join('\n'), /Superuser "admin" created/);
      const stored = await db().selectFrom('users').selectAll().where('username', '=', 'admin').executeTakeFirstOrThrow();
      assert.ok(stored.is_staff && stored.is_superuser);
      assert.match(stored.password_hash!, /^\$argon2id\$/);

      const client = new TestClient(await h().app());
      await client.get('/auth/staff-login');
      const password = await client.post('/auth/staff-login', { username: 'admin', password: 'a long passphrase for ops', next: '/__test/staff' });
      assert.equal(password.headers.location, '/auth/staff-login/enrol');
      // Without a second factor nothing else is reachable: the session is not signed in yet.
      assert.equal((await client.get('/__test/staff')).statusCode, 303);
      assert.equal((await client.get('/__test/user')).statusCode, 303);

      const enrol = await client.get('/auth/staff-login/enrol');
      assert.equal(enrol.statusCode, 200);
      assert.match(enrol.body, /<img src="data:image\/png;base64,/);
      const secret = /<code id="totp-secret">([A-Z2-7]+)<\/code>/.exec(enrol.body)![1]!;
      // The same secret is shown again on reload (kept in the session until confirmed).
      assert.match((await client.get('/auth/staff-login/enrol')).body, new RegExp(secret));

      const wrong = await client.post('/auth/staff-login/enrol', { code: '000000' === (await codeAt(secret)) ? '111111' : '000000' });
      assert.equal(wrong.statusCode, 422);
      assert.match(wrong.body, /Der Code ist ungültig/);

      const enrolmentCode = await codeAt(secret);
      const confirmed = await client.post('/auth/staff-login/enrol', { code: enrolmentCode });
      assert.equal(confirmed.statusCode, 302);
      assert.equal(confirmed.headers.location, '/auth/recovery-codes?next=%2F__test%2Fstaff');
      const codesPage = await client.get('/auth/recovery-codes?next=%2F__test%2Fstaff');
      const codes = [...codesPage.body.matchAll(/<li>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})<\/li>/g)].map((m) => m[1]!);
      assert.equal(codes.length, 10);
      assert.equal((await client.get('/auth/recovery-codes?next=%2F__test%2Fstaff')).headers.location, '/__test/staff', 'shown only once');
      const rows = await db().selectFrom('auth_recovery_codes').select('code_hash').where('user_id', '=', stored.id).execute();
      assert.equal(rows.length, 10);
      assert.ok(rows.every((r) => !codes.some((c) => r.code_hash.includes(c.replaceAll('-', '')))), 'stored hashed');
      const device = await db().selectFrom('auth_totp_devices').selectAll().where('user_id', '=', stored.id).executeTakeFirstOrThrow();
      assert.ok(!device.secret_encrypted.includes(secret), 'secret stored encrypted');
      assert.equal((await client.get('/__test/staff')).json().staff, stored.id);

      // A second login needs the next code (the one just used cannot be replayed).
      const again = new TestClient(await h().app());
      await again.get('/auth/staff-login');
      assert.equal((await again.post('/auth/staff-login', { username: 'admin', password: 'a long passphrase for ops' })).headers.location, '/auth/staff-login/verify');
      await again.get('/auth/staff-login/verify');
      assert.equal((await again.post('/auth/staff-login/verify', { code: enrolmentCode })).statusCode, 401, 'replayed code');
      const ok = await again.post('/auth/staff-login/verify', { code: await codeAt(secret, 30) });
      assert.equal(ok.statusCode, 302);
      assert.equal(ok.headers.location, '/admin/');

      // A recovery code works once.
      const third = new TestClient(await h().app());
      await third.get('/auth/staff-login');
      await third.post('/auth/staff-login', { username: 'admin', password: 'a long passphrase for ops' });
      await third.get('/auth/staff-login/verify');
      assert.equal((await third.post('/auth/staff-login/verify', { recovery_code: codes[0]!.toUpperCase() })).statusCode, 302);
      const fourth = new TestClient(await h().app());
      await fourth.get('/auth/staff-login');
      await fourth.post('/auth/staff-login', { username: 'admin', password: 'a long passphrase for ops' });
      await fourth.get('/auth/staff-login/verify');
      assert.equal((await fourth.post('/auth/staff-login/verify', { recovery_code: codes[0]! })).statusCode, 401);
      assert.equal((await listSecurityEvents(db(), { userId: stored.id, event: 'recovery_code_used' })).length, 1);
    });

    it('gives the same answer for an unknown user and a wrong password, and locks after five failures', async () => {
      const account = await staffWithTotp(db(), h().settings.secretKey, { username: 'lockme' });
      const client = new TestClient(await h().app());
      await client.get('/auth/staff-login');
      const unknown = await client.post('/auth/staff-login', { username: 'nobody', password: 'whatever password' });
      const wrong = await client.post('/auth/staff-login', { username: 'lockme', password: 'wrong password!!' });
      assert.equal(unknown.statusCode, 401);
      assert.equal(wrong.statusCode, 401);
      const message = (body: string) => /<div class="alert alert-danger" role="alert"><div>([^<]+)<\/div>/.exec(body)?.[1];
      assert.equal(message(unknown.body), message(wrong.body));
      for (let i = 0; i < 4; i++) await client.post('/auth/staff-login', { username: 'lockme', password: 'wrong password!!' });
      const locked = await client.post('/auth/staff-login', { username: 'lockme', password: account.password });
      assert.equal(locked.statusCode, 429, 'the right password waits for the lock');
      assert.match(locked.body, /Zu viele Fehlversuche/);
      assert.equal((await listSecurityEvents(db(), { userId: account.user.id, event: 'lockout' })).length, 1);
    });

    it('locks the second factor after five wrong codes', async () => {
      const account = await staffWithTotp(db(), h().settings.secretKey, { username: 'totplock' });
      const client = new TestClient(await h().app());
      await client.get('/auth/staff-login');
      await client.post('/auth/staff-login', { username: 'totplock', password: account.password });
      await client.get('/auth/staff-login/verify');
      const right = await codeAt(account.totpSecret);
      const wrongCode = right === '123456' ? '654321' : '123456';
      for (let i = 0; i < 5; i++) assert.equal((await client.post('/auth/staff-login/verify', { code: wrongCode })).statusCode, 401);
      assert.equal((await client.post('/auth/staff-login/verify', { code: right })).statusCode, 429);
    });

    it('does not let a pending staff login enrol a new authenticator over an existing one', async () => {
      const account = await staffWithTotp(db(), h().settings.secretKey, { username: 'nobypass' });
      const client = new TestClient(await h().app());
      await client.get('/auth/staff-login');
      await client.post('/auth/staff-login', { username: 'nobypass', password: account.password });
      assert.equal((await client.get('/auth/staff-login/enrol')).headers.location, '/auth/staff-login/verify');
      await client.get('/auth/staff-login/verify');
      const forged = await client.post('/auth/staff-login/enrol', { code: '123456' });
      assert.equal(forged.headers.location, '/auth/staff-login/verify');
      assert.equal((await client.get('/__test/staff')).statusCode, 303);
    });

    it('requireStaff: staff signed in with a key only and non-staff are refused; API paths get 401 JSON', async () => {
      const staffKey = await personWithKey(db(), { displayName: 'Keyed staff', isStaff: true });
      const client = new TestClient(await h().app());
      assert.equal((await signInWithKey(client, staffKey.authenticator, staffKey.user.user_code)).statusCode, 200);
      assert.equal((await client.get('/__test/user')).statusCode, 200);
      const staff = await client.get('/__test/staff');
      assert.equal(staff.statusCode, 303);
      assert.equal(staff.headers.location, '/auth/staff-login?next=%2F__test%2Fstaff');

      const person = await personWithKey(db(), { displayName: 'Plain' });
      const plain = new TestClient(await h().app());
      await signInWithKey(plain, person.authenticator, person.user.user_code);
      assert.equal((await plain.get('/__test/staff', { accept: 'text/html' })).statusCode, 403);

      const anonymous = new TestClient(await h().app());
      const api = await anonymous.get('/api/__test/user');
      assert.equal(api.statusCode, 401);
      assert.equal(api.json().error.code, 'unauthorized');
      const htmx = await anonymous.get('/__test/user', { 'hx-request': 'true' });
      assert.equal(htmx.headers['hx-redirect'], '/auth/login-user?next=%2F__test%2Fuser');

      const account = await staffWithTotp(db(), h().settings.secretKey, { username: 'fullstaff' });
      const full = new TestClient(await h().app());
      await signInStaff(full, account);
      assert.equal((await full.get('/__test/staff')).json().staff, account.user.id);
    });

    it('createsuperuser refuses weak passwords and taken usernames, and reads NADOOIT_SUPERUSER_* variables', async () => {
      const io = silentIO();
      const weak = { username: 'weak', password: 'short', 'no-input': true };
      await assert.rejects(createSuperuserCommand.run({ values: weak, positionals: [] }, h().system.context, io), /at least 12 characters/);
      process.env.NADOOIT_SUPERUSER_USERNAME = 'fromenv';
      process.env.NADOOIT_SUPERUSER_PASSWORD = 'environment passphrase';
      try {
        await createSuperuserCommand.run({ values: { 'no-input': true }, positionals: [] }, h().system.context, io);
        await assert.rejects(createSuperuserCommand.run({ values: { 'no-input': true }, positionals: [] }, h().system.context, io), /already taken/);
      } finally {
        delete process.env.NADOOIT_SUPERUSER_USERNAME;
        delete process.env.NADOOIT_SUPERUSER_PASSWORD;
      }
      assert.ok(await db().selectFrom('users').select('id').where('username', '=', 'fromenv').executeTakeFirst());
    });

    it('a staff account imported from Django signs in with its pbkdf2 password, which then becomes argon2id', async () => {
      const salt = 'legacysalt123';
      const djangoHash = `pbkdf2_sha256$1000$${salt}$${pbkdf2Sync('the original passphrase', salt, 1000, 32, 'sha256').toString('base64')}`;
      await createUser(db(), { displayName: 'Imported', username: 'imported-admin', passwordHash: djangoHash, isStaff: true, isSuperuser: true });
      const client = new TestClient(await h().app());
      await client.get('/auth/staff-login');
      assert.equal((await client.post('/auth/staff-login', { username: 'imported-admin', password: 'not the passphrase' })).statusCode, 401);
      const stored = () => db().selectFrom('users').select('password_hash').where('username', '=', 'imported-admin').executeTakeFirstOrThrow();
      assert.equal((await stored()).password_hash, djangoHash);
      const login = await client.post('/auth/staff-login', { username: 'imported-admin', password: 'the original passphrase' });
      assert.equal(login.headers.location, '/auth/staff-login/enrol');
      assert.match((await stored()).password_hash!, /^\$argon2id\$/);
      const again = new TestClient(await h().app());
      await again.get('/auth/staff-login');
      assert.equal((await again.post('/auth/staff-login', { username: 'imported-admin', password: 'the original passphrase' })).headers.location, '/auth/staff-login/enrol');
    });
  },
  { routes },
);
