import { BASE } from './paths.js';

/** The network pages (nadooit_network). */
export const networkPaths = {
  home: `${BASE}/network/`,
  transfer: `${BASE}/network/transfer`,
  friends: `${BASE}/network/friends`,
  friendRemove: (memberId: string) => `${BASE}/network/friends/${memberId}/remove`,
  groups: `${BASE}/network/groups`,
  groupMembers: (groupId: string) => `${BASE}/network/groups/${groupId}/members`,
  groupRemove: (groupId: string, memberId: string) => `${BASE}/network/groups/${groupId}/members/${memberId}/remove`,
  groupDelete: (groupId: string) => `${BASE}/network/groups/${groupId}/delete`,
  guilds: `${BASE}/network/guilds`,
  guild: (guildId: string) => `${BASE}/network/guilds/${guildId}`,
  guildMembers: (guildId: string) => `${BASE}/network/guilds/${guildId}/members`,
  guildRole: (guildId: string, memberId: string) => `${BASE}/network/guilds/${guildId}/members/${memberId}/role`,
  guildRemove: (guildId: string, memberId: string) => `${BASE}/network/guilds/${guildId}/members/${memberId}/remove`,
  guildDeposit: (guildId: string) => `${BASE}/network/guilds/${guildId}/deposit`,
  guildWithdraw: (guildId: string) => `${BASE}/network/guilds/${guildId}/withdraw`,
};
