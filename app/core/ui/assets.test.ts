import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addStaticMount, assetUrl, buildId } from './assets.js';

describe('static asset build id', () => {
  it('changes when a file of an app-registered folder changes, so cached URLs are never stale', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nadooit-assets-'));
    writeFileSync(path.join(dir, 'page.js'), 'console.log(1);');
    addStaticMount('test-assets', dir);
    const before = buildId();
    assert.equal(buildId(), before, 'stable while nothing changes');
    writeFileSync(path.join(dir, 'page.js'), 'console.log(2);');
    addStaticMount('test-assets', dir); // registering again drops the cached id, as a restart would
    assert.notEqual(buildId(), before);
    assert.equal(assetUrl('test-assets/page.js'), `/static/${buildId()}/test-assets/page.js`);
  });
});
