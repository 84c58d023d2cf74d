import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { REDIRECT_BYPASSES } from '../../../test/support/attacks.js';
import { localPath, optionalLocalPath } from './redirects.js';


describe('redirect targets', () => {
  for (const target of REDIRECT_BYPASSES) {
    it(`refuses ${JSON.stringify(target)}`, () => {
      assert.equal(localPath(target, '/home'), '/home');
      assert.equal(optionalLocalPath(target), undefined);
    });
  }

  it('keeps same-origin paths with query and fragment, as normalised', () => {
    assert.equal(localPath('/nadooit-os/?a=1#top'), '/nadooit-os/?a=1#top');
    assert.equal(localPath('/nadooit-os/./x/../y'), '/nadooit-os/y');
    assert.equal(localPath('/@evil.example'), '/@evil.example');
    assert.equal(localPath('/%2F%2Fevil.example'), '/%2F%2Fevil.example');
    assert.equal(localPath('/%09/x'), '/%09/x');
  });

  it('falls back for anything that is not a non-empty string', () => {
    for (const value of [undefined, null, 42, '', ['/a'], { toString: () => '/a' }]) assert.equal(localPath(value, '/f'), '/f');
    assert.equal(localPath(`/${'a'.repeat(5000)}`, '/f'), '/f');
  });
});
