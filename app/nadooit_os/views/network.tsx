import type { Children } from '@kitajs/html';
import { CsrfField, EmptyState } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import { formatDateTime } from '../../core/admin/values.js';
import { formatMoney } from '../../core/ui/format.js';
import { GUILD_ROLES } from '../../nadooit_network/models.js';
import type { Friend, GroupView, GuildOfMember, HeldShare, Inventory, InventoryEntry, Member } from '../../nadooit_network/services/index.js';
import type { Viewer } from '../access.js';
import { networkPaths } from '../paths-network.js';
import { Section, Table } from './common.js';
import { DashboardLayout, PageHeader } from './shell.js';

/** A one-line form: hidden CSRF token, inputs, one submit button. */
function InlineForm(props: { ctx: PageContext; action: string; button: string; id?: string; danger?: boolean; children?: Children }): JSX.Element {
  return (
    <form method="post" action={props.action} class="row g-2 align-items-end mb-3" id={props.id}>
      <CsrfField ctx={props.ctx} />
      {props.children}
      <div class="col-auto">
        <button type="submit" class={`btn ${props.danger ? 'btn-outline-danger btn-sm' : 'btn-primary'}`} safe>
          {props.button}
        </button>
      </div>
    </form>
  );
}

function Input(props: { name: string; label: string; required?: boolean; inputmode?: string; wide?: boolean }): JSX.Element {
  return (
    <div class={props.wide ? 'col-md-5' : 'col-md-3'}>
      <label class="form-label small mb-1" for={`f-${props.name}`} safe>
        {props.label}
      </label>
      <input class="form-control" id={`f-${props.name}`} name={props.name} required={props.required} inputmode={props.inputmode} />
    </div>
  );
}

const money = (ctx: PageContext, micro: number, currency = 'EUR') => formatMoney(micro, ctx.language, currency);

export interface NetworkPageProps {
  ctx: PageContext;
  viewer: Viewer;
  member: Member;
  inventory: Inventory;
  shares: HeldShare[];
  entries: InventoryEntry[];
  friends: Friend[];
  groups: GroupView[];
  guilds: Array<{ id: string; name: string; role: string; memberCount: number }>;
  timeZone: string;
}

/** "Netzwerk": the person's inventory with its ledger, friends, groups and guilds, each with its forms. */
export function NetworkPage(p: NetworkPageProps): JSX.Element {
  const { ctx } = p;
  const t = ctx.t;
  return (
    <DashboardLayout ctx={ctx} viewer={p.viewer} title={t('network.title')}>
      <PageHeader title={t('network.title')} lead={t('network.lead')} />
      <div class="row">
        <div class="col-lg-7">
          <Section title={t('network.inventory')} id="network-inventory">
            <p class="fs-4 mb-3">
              <span class="text-muted fs-6" safe>{t('network.balance')}: </span>
              <strong id="network-balance" safe>{money(ctx, Number(p.inventory.balance_micro), p.inventory.currency)}</strong>
            </p>
            <h3 class="h6" safe>{t('network.send')}</h3>
            <InlineForm ctx={ctx} action={networkPaths.transfer} button={t('network.send')} id="network-send">
              <Input name="to_user_code" label={t('network.user_code')} required />
              <Input name="amount" label={t('network.amount')} required inputmode="decimal" />
              <Input name="note" label={t('network.note')} />
            </InlineForm>
            <h3 class="h6" safe>{t('network.shares')}</h3>
            {p.shares.length ? (
              <ul id="network-shares">
                {p.shares.map((s) => (
                  <li>
                    <code safe>{s.programShareId}</code>
                  </li>
                ))}
              </ul>
            ) : (
              <p class="text-muted" safe>{t('network.shares.none')}</p>
            )}
            <h3 class="h6" safe>{t('network.ledger')}</h3>
            <Table
              class="table-sm network-ledger"
              columns={[t('network.col.no'), t('network.col.kind'), { label: t('network.col.amount'), end: true }, { label: t('network.col.balance'), end: true }, t('network.col.note'), t('network.col.when')]}
              count={p.entries.length}
              empty={{ text: t('network.ledger.none'), icon: 'journal' }}
            >
              {p.entries.map((e) => (
                <tr>
                  <td safe>{String(e.seq)}</td>
                  <td safe>{t(`network.kind.${e.kind}`)}</td>
                  <td class={`text-end text-nowrap ${e.amount_micro < 0 ? 'text-danger' : 'text-success'}`} safe>{money(ctx, e.amount_micro)}</td>
                  <td class="text-end text-nowrap" safe>{money(ctx, e.balance_after_micro)}</td>
                  <td safe>{e.note ?? ''}</td>
                  <td class="text-nowrap" safe>{formatDateTime(e.created_at, p.timeZone, ctx.language)}</td>
                </tr>
              ))}
            </Table>
          </Section>
        </div>
        <div class="col-lg-5">
          <Section title={t('network.friends')} id="network-friends">
            {p.friends.length ? (
              <ul class="list-group mb-3">
                {p.friends.map((f) => (
                  <li class="list-group-item d-flex align-items-center gap-2">
                    <span safe>{f.name}</span>
                    {f.mutual ? <span class="badge text-bg-success" safe>{t('network.friends.mutual')}</span> : ''}
                    <form method="post" action={networkPaths.friendRemove(f.id)} class="ms-auto">
                      <CsrfField ctx={ctx} />
                      <button class="btn btn-outline-danger btn-sm" type="submit" safe>{t('network.remove')}</button>
                    </form>
                  </li>
                ))}
              </ul>
            ) : (
              <EmptyState text={t('network.friends.none')} icon="people" />
            )}
            <InlineForm ctx={ctx} action={networkPaths.friends} button={t('network.friends.add')}>
              <Input name="user_code" label={t('network.user_code')} required wide />
            </InlineForm>
          </Section>
          <Section title={t('network.guilds')} id="network-guilds">
            {p.guilds.length ? (
              <ul class="list-group mb-3">
                {p.guilds.map((g) => (
                  <li class="list-group-item d-flex gap-2">
                    <a href={networkPaths.guild(g.id)} safe>{g.name}</a>
                    <span class="badge text-bg-secondary ms-auto" safe>{t(`network.role.${g.role}`)}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <EmptyState text={t('network.guilds.none')} icon="shield" />
            )}
            <InlineForm ctx={ctx} action={networkPaths.guilds} button={t('network.guilds.create')}>
              <Input name="name" label={t('network.name')} required wide />
            </InlineForm>
          </Section>
        </div>
      </div>
      <Section title={t('network.groups')} id="network-groups">
        {p.groups.length ? '' : <EmptyState text={t('network.groups.none')} icon="people" />}
        {p.groups.map((g) => (
          <div class="border rounded p-3 mb-3 network-group" data-group-id={g.id}>
            <h3 class="h6">
              <span safe>{g.name}</span> <small class="text-muted" safe>{t('network.groups.count', { n: g.memberCount })}</small>
            </h3>
            <ul class="list-inline">
              {g.members.map((m) => (
                <li class="list-inline-item">
                  <span class="badge text-bg-light border" safe>{m.name}</span>
                  {g.createdByMemberId === p.member.id && m.id !== p.member.id ? (
                    <form method="post" action={networkPaths.groupRemove(g.id, m.id)} class="d-inline">
                      <CsrfField ctx={ctx} />
                      <button class="btn btn-link btn-sm text-danger p-0 ms-1" type="submit" aria-label={t('network.remove')}>
                        ×
                      </button>
                    </form>
                  ) : (
                    ''
                  )}
                </li>
              ))}
            </ul>
            {g.createdByMemberId === p.member.id ? (
              <>
                <InlineForm ctx={ctx} action={networkPaths.groupMembers(g.id)} button={t('network.groups.add')}>
                  <Input name="user_code" label={t('network.user_code')} required />
                </InlineForm>
                <InlineForm ctx={ctx} action={networkPaths.groupDelete(g.id)} button={t('network.groups.delete')} danger />
              </>
            ) : (
              <InlineForm ctx={ctx} action={networkPaths.groupRemove(g.id, p.member.id)} button={t('network.groups.leave')} danger />
            )}
          </div>
        ))}
        <InlineForm ctx={ctx} action={networkPaths.groups} button={t('network.groups.create')}>
          <Input name="name" label={t('network.name')} required wide />
        </InlineForm>
      </Section>
    </DashboardLayout>
  );
}

/** One guild: bank, members with roles, and the forms the viewer's role allows. */
export function GuildPage({ ctx, viewer, guild }: { ctx: PageContext; viewer: Viewer; guild: GuildOfMember }): JSX.Element {
  const t = ctx.t;
  const isAdmin = guild.myRole === 'admin';
  const mayAdd = guild.myRole !== 'member';
  return (
    <DashboardLayout ctx={ctx} viewer={viewer} title={guild.name}>
      <PageHeader
        title={guild.name}
        lead={guild.description ?? undefined}
        actions={
          <a class="btn btn-outline-secondary" href={networkPaths.home} safe>
            {t('network.back')}
          </a>
        }
      />
      <div class="row">
        <div class="col-lg-5">
          <Section title={t('network.guild.bank')} id="guild-bank">
            <p class="fs-4" id="guild-bank-balance" safe>{money(ctx, guild.bankBalanceMicro, guild.currency)}</p>
            <InlineForm ctx={ctx} action={networkPaths.guildDeposit(guild.id)} button={t('network.guild.deposit')}>
              <Input name="amount" label={t('network.amount')} required inputmode="decimal" />
            </InlineForm>
            {isAdmin ? (
              <form method="post" action={networkPaths.guildWithdraw(guild.id)} class="row g-2 align-items-end" id="guild-withdraw">
                <CsrfField ctx={ctx} />
                <Input name="amount" label={t('network.amount')} required inputmode="decimal" />
                <div class="col-md-5">
                  <label class="form-label small mb-1" for="f-to" safe>{t('network.guild.to')}</label>
                  <select class="form-select" id="f-to" name="to_member_id">
                    {guild.members.map((m) => (
                      <option value={m.id} selected={m.id === guild.myMemberId} safe>
                        {m.name}
                      </option>
                    ))}
                  </select>
                </div>
                <div class="col-auto">
                  <button class="btn btn-outline-primary" type="submit" safe>{t('network.guild.withdraw')}</button>
                </div>
              </form>
            ) : (
              ''
            )}
          </Section>
        </div>
        <div class="col-lg-7">
          <Section title={t('network.guild.members')} id="guild-members">
            <Table class="table-sm" columns={[t('network.name'), t('network.guild.role'), '']} count={guild.members.length}>
              {guild.members.map((m) => (
                <tr data-member-id={m.id} data-role={m.role}>
                  <td safe>{m.name}</td>
                  <td>
                    {isAdmin ? (
                      <form method="post" action={networkPaths.guildRole(guild.id, m.id)} class="d-flex gap-2">
                        <CsrfField ctx={ctx} />
                        <select class="form-select form-select-sm" name="role" aria-label={t('network.guild.role')}>
                          {GUILD_ROLES.map((r) => (
                            <option value={r} selected={r === m.role} safe>
                              {t(`network.role.${r}`)}
                            </option>
                          ))}
                        </select>
                        <button class="btn btn-sm btn-outline-primary" type="submit" safe>{t('network.guild.role.set')}</button>
                      </form>
                    ) : (
                      <span safe>{t(`network.role.${m.role}`)}</span>
                    )}
                  </td>
                  <td class="text-end">
                    {m.id === guild.myMemberId || isAdmin || (guild.myRole === 'moderator' && m.role === 'member') ? (
                      <form method="post" action={networkPaths.guildRemove(guild.id, m.id)}>
                        <CsrfField ctx={ctx} />
                        <button class="btn btn-sm btn-outline-danger" type="submit" safe>
                          {m.id === guild.myMemberId ? t('network.guild.leave') : t('network.remove')}
                        </button>
                      </form>
                    ) : (
                      ''
                    )}
                  </td>
                </tr>
              ))}
            </Table>
            {mayAdd ? (
              <InlineForm ctx={ctx} action={networkPaths.guildMembers(guild.id)} button={t('network.guild.add')}>
                <Input name="user_code" label={t('network.user_code')} required />
              </InlineForm>
            ) : (
              ''
            )}
          </Section>
        </div>
      </div>
    </DashboardLayout>
  );
}
