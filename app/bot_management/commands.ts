import { CommandError } from '../core/cli/registry.js';
import type { CommandDefinition } from '../core/cli/registry.js';
import { checkWebhooks, setAllWebhooks } from './webhooks.js';

/**
 * `manage bots set_webhooks`: re-registers every Telegram bot's webhook with a fresh secret (after a move,
 * an import or a leaked secret). `manage bots check_webhooks`: refreshes the cached webhook health now.
 */
export const botsCommand: CommandDefinition = {
  name: 'bots',
  summary: 'Bot webhooks: set_webhooks (register all with fresh secrets), check_webhooks (refresh their health)',
  async run(input, context, io) {
    const [sub] = input.positionals;
    if (sub === 'set_webhooks') {
      const failed = await setAllWebhooks(context, io.out);
      if (failed) io.err(`${failed} webhook(s) could not be set.`);
      return failed ? 1 : 0;
    }
    if (sub === 'check_webhooks') {
      const count = await checkWebhooks(context);
      io.out(`Checked ${count} webhook(s).`);
      return 0;
    }
    throw new CommandError('usage: manage bots set_webhooks | check_webhooks');
  },
};
