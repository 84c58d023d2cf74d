import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { installedApps } from '../../app/nadooit/apps.js';
import { boundaryViolations, importsOf } from './boundaries.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');

function declaredByInstalledApps(): Map<string, string[]> {
  const apps = installedApps(() => {
    throw new Error('the boundary check reads module declarations only');
  });
  return new Map(apps.map((app) => [app.name, app.dependsOn ?? []]));
}

/** A throw-away tree with the given files (path → source) below a fresh folder. */
function scratchTree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'nadooit-boundaries-'));
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), source);
  }
  return root;
}

describe('app boundaries (docs/architecture.md)', () => {
  it('every import of the real tree follows the declared app dependencies, and the graph has no cycle', () => {
    assert.deepEqual(boundaryViolations(repoRoot, declaredByInstalledApps()), []);
  });

  it('names the offending import when an app reaches into an undeclared app, core into an app, or code into tests', () => {
    const root = scratchTree({
      'app/core/db.ts': "import { customers } from '../crm/services.js';\n",
      'app/crm/services.ts': "export const customers = 1;\nimport type { X } from '../hr/models.js';\n",
      'app/hr/models.ts': "import { customers } from '../crm/services.js';\nexport type X = 1;\n",
      'app/hr/helper.ts': "const later = await import('../../test/support/harness.js');\n",
      'app/hr/services.test.ts': "import { anything } from '../billing/secret.js';\n",
      'app/nadooit/apps.ts': "import { customers } from '../crm/services.js';\n",
    });
    try {
      const problems = boundaryViolations(root, new Map([['crm', []], ['hr', ['crm']]]));
      assert.deepEqual(problems, [
        "app/core/db.ts imports '../crm/services.js': core imports no app; move the shared piece into core or invert the dependency",
        "app/crm/services.ts imports '../hr/models.js': crm does not declare hr in dependsOn (app/crm/module.ts) — declare it, or move the shared piece down",
        "app/hr/helper.ts imports '../../test/support/harness.js': production code may not import anything outside app/ (test code included)",
      ]);
      assert.match(boundaryViolations(root, new Map([['crm', ['hr']], ['hr', ['crm']]]))[0]!, /cycle: crm → hr → crm/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('finds static, re-export, side-effect and dynamic imports', () => {
    const source = [
      "import a from './a.js';",
      "import type { B } from '../b.js';",
      "export { c } from './c.js';",
      "import './d.js';",
      "const e = await import('./e.js');",
      "import { f } from 'fastify';",
      "const text = 'import nothing from here';",
    ].join('\n');
    assert.deepEqual(importsOf(source), ['./a.js', '../b.js', './c.js', './d.js', './e.js']);
  });
});
