import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { installedApps } from '../../app/nadooit/apps.js';
import { boundaryViolations, foreignTableStatements, importsOf, sqlInRoutes, tableOwners } from './boundaries.js';

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

  it("no app reads or writes another app's table: it calls the owner's functions (read-only joins excepted)", () => {
    assert.ok(tableOwners(repoRoot).size > 40, 'the migrations name the tables');
    assert.deepEqual(foreignTableStatements(repoRoot), []);
  });

  it('route files hold no SQL (parse → call a service → render)', () => {
    assert.deepEqual(sqlInRoutes(repoRoot), []);
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

  it('names a statement on a foreign table and SQL in a route file', () => {
    const root = scratchTree({
      'app/crm/migrations/0001.ts': "await db.schema.createTable('crm_customers').execute();\n",
      'app/hr/migrations/0001.ts': "await db.schema.createTable('hr_employees').execute();\n",
      'app/hr/services.ts': "db.selectFrom('hr_employees as e').innerJoin('crm_customers as c', 'c.id', 'e.customer_id');\ndb.updateTable('crm_customers').set({});\n",
      'app/hr/routes.ts': "db.selectFrom('hr_employees').selectAll();\n",
    });
    try {
      assert.deepEqual(foreignTableStatements(root), [
        "app/hr/services.ts: updateTable('crm_customers') — crm_customers belongs to crm; call a function of app/crm instead",
      ]);
      assert.deepEqual(sqlInRoutes(root), ['app/hr/routes.ts: selectFrom in a route file — move the query into the app\'s services']);
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
