import { createdAt, updatedAt } from '../core/admin/fields.js';
import type { AdminResource } from '../core/admin/types.js';
import { createProgram, updateProgram } from './services.js';
import type { ProgramInput } from './services.js';
import './models.js';

const programInput = (values: Record<string, unknown>): ProgramInput => ({
  name: String(values.name ?? ''),
  description: String(values.description ?? ''),
  programDependencies: (values.program_dependencies as string | null) ?? '',
});

export const programsResource: AdminResource = {
  app: 'nadooit_program',
  appLabel: { de: 'Programme', en: 'Programs' },
  name: 'programs',
  table: 'program_programs',
  label: { de: 'Programm', en: 'Program' },
  labelPlural: { de: 'Programme', en: 'Programs' },
  title: { columns: ['name'] },
  fields: [
    { name: 'name', label: { de: 'Name', en: 'Name' }, type: 'text', required: true, maxLength: 255 },
    { name: 'description', label: { de: 'Beschreibung', en: 'Description' }, type: 'textarea', required: true },
    {
      name: 'program_dependencies',
      label: { de: 'Abhängigkeiten', en: 'Dependencies' },
      type: 'textarea',
      help: { de: 'Freitext, z. B. benötigte Software oder Zugänge.', en: 'Free text, e.g. required software or access.' },
    },
    createdAt(),
    updatedAt(),
  ],
  list: {
    columns: ['name', 'created_at', 'updated_at'],
    optionalColumns: ['description'],
    search: ['name', 'description', { field: 'id', mode: 'exact' }],
    filters: ['created_at'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  inlines: [{ resource: 'nadooit_program_ownership_system.customer_programs', field: 'program_id' }],
  hooks: {
    create: async (ctx, values) => (await createProgram(ctx.tx, programInput(values))).id,
    update: async (ctx, id, values) => void (await updateProgram(ctx.tx, id, programInput(values))),
  },
};

export const programResources: AdminResource[] = [programsResource];
