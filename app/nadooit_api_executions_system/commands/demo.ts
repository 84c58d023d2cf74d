import type { CommandDefinition } from '../../core/cli/registry.js';
import { publicBaseUrl } from '../../core/http/public-url.js';
import { seedDemo } from './demo-data.js';

export const demoCommand: CommandDefinition = {
  name: 'demo',
  summary: 'Create demo data (customer, managers, programs, time account, API key, bookings); safe to repeat',
  options: {
    json: { type: 'boolean' },
    'new-key': { type: 'boolean' },
  },
  async run({ values }, context, io) {
    const result = await seedDemo(context, { newKey: values['new-key'] === true });
    if (values.json === true) {
      io.out(JSON.stringify(result, null, 2));
      return;
    }
    const site = publicBaseUrl(context.settings);
    const t = (h: number) => `${Math.floor(h / 3600)} h ${Math.floor((h % 3600) / 60)} min`;
    io.out(result.created ? 'Demo-Daten angelegt.' : 'Demo-Daten waren schon vorhanden; nichts doppelt angelegt.');
    io.out(`Kunde:            NADOOIT Demo GmbH (${result.customerId})`);
    io.out(`Verwalterin:      Benutzercode ${result.manager.userCode} (alle Rollen)`);
    if (result.manager.enrolmentPath) io.out(`  Sicherheitsschlüssel registrieren: ${site}${result.manager.enrolmentPath}`);
    io.out('  (lokal ohne Schlüssel: DEBUG=1 INSECURE_DEV_LOGIN=1, dann Anmeldung nur mit dem Benutzercode)');
    io.out(`Bot:              Benutzercode ${result.bot.userCode}`);
    io.out(`Kundenprogramme:  ${result.customerProgramIds.join(', ')}`);
    io.out(`Zeitkonto:        ${result.timeAccountId} (Stand ${t(result.balanceSeconds)})`);
    io.out(`Buchungen:        ${result.executions}`);
    if (result.apiKey) {
      io.out(`API-Schlüssel (wird nur jetzt angezeigt): ${result.apiKey}`);
      io.out(
        `  curl -X POST ${site}/api/executions -d NADOOIT__API_KEY=${result.apiKey} -d NADOOIT__USER_CODE=${result.bot.userCode} -d program_id=${result.customerProgramIds[0]}`,
      );
    } else {
      io.out('API-Schlüssel: schon vorhanden (nur beim Anlegen sichtbar); --new-key ersetzt ihn durch einen neuen.');
    }
  },
};
