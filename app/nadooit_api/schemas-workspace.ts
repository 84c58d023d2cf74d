import { z } from 'zod';

/** Wire shapes of processes (nadooit_workflow) and employee work time (nadooit_time_account/work-time). */

export const Process = z
  .object({
    id: z.guid(),
    customer_id: z.guid(),
    name: z.string(),
    description: z.string(),
    trigger_process_id: z.guid().nullable(),
    program_ids: z.array(z.guid()),
    triggers_ids: z.array(z.guid()).describe('Processes this one triggers'),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Process' });

export const ProcessWrite = z.object({
  name: z.string().min(1).max(255),
  description: z.string().max(5000).optional(),
  trigger_process_id: z.guid().nullable().optional(),
  program_ids: z.array(z.guid()).max(200).optional(),
  triggers_ids: z.array(z.guid()).max(200).optional(),
});
export const ProcessCreate = ProcessWrite.extend({ customer_id: z.guid() });

export const ProcessChain = z
  .object({
    process: Process,
    nodes: z.array(z.object({ id: z.guid(), name: z.string(), programs: z.array(z.string()) })),
    edges: z.array(z.object({ from: z.guid(), to: z.guid() })).describe('"from" triggers "to"'),
  })
  .meta({ id: 'ProcessChain' });

export const ProcessQuery = z.object({ customer: z.guid() });

export const WorkTimeAccount = z
  .object({
    id: z.guid(),
    customer_id: z.guid(),
    customer_name: z.string(),
    employee_user_id: z.guid(),
    employee_name: z.string(),
    weekly_work_seconds: z.number().int().nullable(),
    time_zone: z.string(),
  })
  .meta({ id: 'WorkTimeAccount' });

export const WorkTimeEntry = z
  .object({
    id: z.guid(),
    employee_time_account_id: z.guid(),
    started_at: z.string(),
    ended_at: z.string().nullable().describe('null while clocked in'),
    corrected: z.boolean(),
  })
  .meta({ id: 'WorkTimeEntry' });

export const WorkTimeReport = z
  .object({
    account: WorkTimeAccount,
    unit: z.enum(['day', 'week', 'month']),
    date: z.string(),
    from: z.string(),
    to: z.string(),
    worked_seconds: z.number().int(),
    target_seconds: z.number().int(),
    overtime_seconds: z.number().int(),
    clocked_in_since: z.string().nullable(),
    days: z.array(z.object({ date: z.string(), worked_seconds: z.number().int(), target_seconds: z.number().int() })),
    entries: z.array(WorkTimeEntry),
  })
  .meta({ id: 'WorkTimeReport' });

export const WorkTimeReportQuery = z.object({
  unit: z.enum(['day', 'week', 'month']).default('week'),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
});

export const WorkTimeStretch = z.object({ started_at: z.iso.datetime({ offset: true }), ended_at: z.iso.datetime({ offset: true }), reason: z.string().min(1).max(500) });
export const WorkTimeReason = z.object({ reason: z.string().min(1).max(500) });
export const WeeklyHours = z.object({ weekly_work_seconds: z.number().int().min(0).max(360_000).nullable() });
