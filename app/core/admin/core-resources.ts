import type { AdminResource } from './types.js';

const appLabel = { de: 'Plattform', en: 'Platform' };

/** Login sessions: visible to superusers, deletable (= signed out at once); never edited by hand. */
export const sessionsResource: AdminResource = {
  app: 'core',
  appLabel,
  name: 'sessions',
  table: 'core_sessions',
  label: { de: 'Sitzung', en: 'Session' },
  labelPlural: { de: 'Sitzungen', en: 'Sessions' },
  superuserOnly: true,
  title: { columns: ['user_agent', 'ip', 'last_seen_at'], format: (row) => `${row.ip ?? '?'} · ${String(row.user_agent ?? '').slice(0, 60)}` },
  timestamps: 'none',
  fields: [
    { name: 'user_id', label: { de: 'Benutzer-ID', en: 'User id' }, type: 'uuid', readOnly: true },
    { name: 'token_hash', label: { de: 'Token-Hash', en: 'Token hash' }, type: 'text', sensitive: true },
    { name: 'data', label: { de: 'Daten', en: 'Data' }, type: 'json', sensitive: true },
    { name: 'ip', label: { de: 'IP-Adresse', en: 'IP address' }, type: 'text', readOnly: true },
    { name: 'user_agent', label: { de: 'Browser', en: 'Browser' }, type: 'text', readOnly: true },
    { name: 'created_at', label: { de: 'Angemeldet', en: 'Started' }, type: 'datetime', readOnly: true },
    { name: 'last_seen_at', label: { de: 'Zuletzt aktiv', en: 'Last seen' }, type: 'datetime', readOnly: true },
    { name: 'expires_at', label: { de: 'Läuft ab', en: 'Expires' }, type: 'datetime', readOnly: true },
  ],
  list: {
    columns: ['ip', 'user_agent', 'user_id', 'last_seen_at', 'expires_at'],
    optionalColumns: ['created_at'],
    search: [{ field: 'user_id', mode: 'exact' }, 'ip'],
    filters: ['last_seen_at', 'user_id'],
    ordering: { field: 'expires_at', direction: 'desc' },
    sortable: ['expires_at'],
  },
  allow: { add: false, change: false },
};

const JOB_STATUSES = [
  { value: 'waiting', label: { de: 'Wartend', en: 'Waiting' } },
  { value: 'active', label: { de: 'Läuft', en: 'Active' } },
  { value: 'completed', label: { de: 'Erledigt', en: 'Completed' } },
  { value: 'failed', label: { de: 'Fehlgeschlagen', en: 'Failed' } },
];

/** Background jobs of the database queue driver (read-only; failed jobs can be removed). */
export const jobsResource: AdminResource = {
  app: 'core',
  appLabel,
  name: 'jobs',
  table: 'core_jobs',
  label: { de: 'Hintergrundauftrag', en: 'Background job' },
  labelPlural: { de: 'Hintergrundaufträge', en: 'Background jobs' },
  superuserOnly: true,
  title: { columns: ['name', 'status'], format: (row) => `${row.name} (${row.status})` },
  timestamps: 'none',
  fields: [
    { name: 'queue', label: { de: 'Warteschlange', en: 'Queue' }, type: 'text', readOnly: true },
    { name: 'name', label: { de: 'Aufgabe', en: 'Task' }, type: 'text', readOnly: true },
    { name: 'status', label: { de: 'Status', en: 'Status' }, type: 'choice', choices: JOB_STATUSES, badges: { active: 'info', completed: 'success', failed: 'danger' }, readOnly: true },
    { name: 'attempts', label: { de: 'Versuche', en: 'Attempts' }, type: 'integer', readOnly: true },
    { name: 'max_attempts', label: { de: 'Höchstens', en: 'Max attempts' }, type: 'integer', readOnly: true },
    { name: 'payload', label: { de: 'Daten', en: 'Payload' }, type: 'json', readOnly: true },
    { name: 'unique_key', label: { de: 'Eindeutiger Schlüssel', en: 'Unique key' }, type: 'text', readOnly: true },
    { name: 'run_at', label: { de: 'Fällig', en: 'Run at' }, type: 'datetime', readOnly: true },
    { name: 'last_error', label: { de: 'Letzter Fehler', en: 'Last error' }, type: 'textarea', readOnly: true },
    { name: 'created_at', label: { de: 'Angelegt', en: 'Created' }, type: 'datetime', readOnly: true },
    { name: 'finished_at', label: { de: 'Beendet', en: 'Finished' }, type: 'datetime', readOnly: true },
  ],
  list: {
    columns: ['name', 'status', 'attempts', 'run_at', 'created_at'],
    optionalColumns: ['queue', 'last_error', 'finished_at'],
    search: ['name', { field: 'unique_key', mode: 'exact' }],
    filters: ['status', 'created_at'],
    ordering: { field: 'created_at', direction: 'desc' },
    sortable: ['run_at'],
  },
  allow: { add: false, change: false },
};

export const coreResources: AdminResource[] = [sessionsResource, jobsResource];
