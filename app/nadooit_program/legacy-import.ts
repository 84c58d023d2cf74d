import { legacyOptionalText, legacyText, legacyUuid, timestampsOf } from '../core/legacy/values.js';
import { tableImport } from '../core/legacy/step.js';
import type { LegacyAppImport } from '../core/legacy/step.js';

/** Programs keep their UUIDs: bots name them as `program_id`. */
export const programLegacyImport: LegacyAppImport = {
  app: 'nadooit_program',
  steps: [
    tableImport({
      legacyTable: 'nadooit_program_program',
      target: 'program_programs',
      map: (row) => ({
        id: legacyUuid(row.id),
        name: legacyText(row.name, 'name'),
        description: legacyOptionalText(row.description, 'description') ?? '',
        program_dependencies: legacyOptionalText(row.program_dependencies, 'program_dependencies') ?? '',
        ...timestampsOf(row),
      }),
    }),
  ],
};
