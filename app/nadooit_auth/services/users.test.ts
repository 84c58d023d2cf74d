import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { USER_CODE_ALPHABET, createUser, findUserByCode, generateUserCode, toCurrentUser, unusedUserCode } from './users.js';

it('draws 6-character codes from the unambiguous alphabet only', () => {
  assert.doesNotMatch(USER_CODE_ALPHABET, /[01OIL]/);
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const code = generateUserCode();
    assert.match(code, /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/);
    seen.add(code);
  }
  assert.ok(seen.size > 1990, 'codes are random');
});

describeEachBackend('users', (h) => {
  const db = () => h().system.context.db.kysely;

  it('draws again when a generated code is taken', async () => {
    const taken = await createUser(db(), { displayName: 'First' });
    const draws = [taken.user_code, taken.user_code, 'NEWAA2'];
    assert.equal(await unusedUserCode(db(), () => draws.shift()!), 'NEWAA2');
    assert.equal(draws.length, 0);
  });

  it('finds legacy codes exactly (any length, case-sensitive) and new codes case-insensitively', async () => {
    const legacy = await createUser(db(), { displayName: 'Legacy', userCode: 'abC12' });
    const fresh = await createUser(db(), { displayName: 'Fresh' });
    assert.equal((await findUserByCode(db(), 'abC12'))?.id, legacy.id);
    assert.equal(await findUserByCode(db(), 'ABC12'), undefined);
    assert.equal((await findUserByCode(db(), ` ${fresh.user_code.toLowerCase()} `))?.id, fresh.id);
    assert.equal(await findUserByCode(db(), ''), undefined);
  });

  it('counts the second factor only for staff', async () => {
    const person = await createUser(db(), { displayName: 'Person' });
    const staff = await createUser(db(), { displayName: 'Staff', username: 'staff-x', isStaff: true });
    assert.equal(toCurrentUser(person, true).secondFactorVerified, false);
    assert.equal(toCurrentUser(staff, true).secondFactorVerified, true);
    assert.equal(toCurrentUser(staff, false).secondFactorVerified, false);
  });
});
