import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { allStaticMounts, assetUrl, buildId } from '../../core/ui/assets.js';
import { collectStatic } from './collectstatic.js';
import { listFiles } from './files.js';

describe('manage collectstatic', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'nadooit-static-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('puts every asset where the URL the app generates points, below STATIC_ROOT', () => {
    const result = collectStatic(root);
    assert.equal(result.build, buildId());
    assert.equal(result.alreadyThere, false);
    let expected = 0;
    for (const { mount, dir } of allStaticMounts()) {
      const files = listFiles(dir);
      expected += files.length;
      const sample = files[0]!;
      const url = assetUrl(`${mount}/${sample}`);
      const onDisk = path.join(root, url.replace(/^\/static\//, ''));
      assert.deepEqual(readFileSync(onDisk), readFileSync(path.join(dir, sample)), url);
    }
    assert.equal(result.files, expected);
    assert.ok(existsSync(path.join(root, assetUrl('htmx/htmx.min.js').replace(/^\/static\//, ''))));
  });

  it('is idempotent and keeps only the newest builds', () => {
    const old = ['aaaaaaaaaaa1', 'aaaaaaaaaaa2', 'aaaaaaaaaaa3'];
    old.forEach((name, i) => {
      mkdirSync(path.join(root, name));
      const t = new Date(Date.UTC(2024, 0, 1 + i));
      utimesSync(path.join(root, name), t, t);
    });
    mkdirSync(path.join(root, 'not-a-build'));
    const again = collectStatic(root, 2);
    assert.equal(again.alreadyThere, true);
    assert.deepEqual(again.removed.sort(), ['aaaaaaaaaaa1', 'aaaaaaaaaaa2']);
    assert.ok(existsSync(path.join(root, 'aaaaaaaaaaa3')));
    assert.ok(existsSync(path.join(root, 'not-a-build')));
    assert.ok(existsSync(path.join(root, buildId())));
  });
});
