import { AiUnavailable } from '../ai.js';
import type { BotContext, BotDefinition } from '../registry.js';

/** The original's sample item (a bicycle bell offered on reuseandtrade.de). */
export const SAMPLE_ITEM = {
  title: 'Fahrradklingel',
  description: 'Klassische Fahrradklingel aus Messing, laut und klar, passt an alle gängigen Lenker.',
  price: '4.99',
  currency: 'EUR',
  condition: 'neu',
  quantity_available: 250,
  minimum_quantity: 10,
  location: 'Deutschland',
  delivery_options: 'Versand oder Abholung',
  link: 'https://reuseandtrade.de',
  img_link: 'https://reuseandtrade.de/images/fahrradklingel.jpg',
};

const AI_OFF = 'Die KI-Funktionen sind nicht eingerichtet (OPENAI_API_KEY fehlt). /create ist deshalb ausgeschaltet.';
const MIN_ADVERT = 120;
const MAX_ADVERT = 1024; // Telegram's caption limit

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Asks for an advert until one fits Telegram's caption limit (at most three tries). */
async function advertText(ctx: BotContext, item: typeof SAMPLE_ITEM): Promise<string> {
  const prompt = [
    { role: 'system' as const, content: 'Du schreibst kurze deutsche Verkaufsanzeigen für Telegram. Erlaubtes HTML: <b>, <i>, <a href>. Kein anderes Markup.' },
    { role: 'user' as const, content: `Schreibe eine Anzeige (${MIN_ADVERT}–${MAX_ADVERT} Zeichen) für diesen Artikel:\n${JSON.stringify(item)}` },
  ];
  let text = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    text = await ctx.ai.chat(prompt);
    if (text.length >= MIN_ADVERT && text.length <= MAX_ADVERT) return text;
  }
  return text.slice(0, MAX_ADVERT);
}

/**
 * The original's test bot: `/update` walks through a small dialogue (title, then description) kept as
 * rows; `/create` writes an advert for the sample item with the chat model, sends it as a photo with an
 * HTML caption, then changes the available quantity and edits the caption.
 */
export const testbot: BotDefinition = {
  name: 'testbot',
  description: 'Demo: /update (Dialog), /create (KI-Anzeige)',
  commands: {
    async start(ctx) {
      await ctx.reply('Hallo! Befehle: /update legt einen Artikel an, /create erstellt eine Anzeige.');
    },
    async update(ctx) {
      const intro = await ctx.reply('<b>Neuen Artikel anlegen…</b>', { parseMode: 'HTML' });
      await ctx.reply('Wie lautet der Titel?');
      await ctx.dialogue.set('update.title', { introId: intro?.messageId ?? null });
    },
    async create(ctx) {
      if (!ctx.ai.available) {
        await ctx.reply(AI_OFF);
        return;
      }
      try {
        const caption = await advertText(ctx, SAMPLE_ITEM);
        const sent = await ctx.sendPhoto(SAMPLE_ITEM.img_link, { caption, parseMode: 'HTML' });
        const changed = await ctx.ai.chat([
          { role: 'system', content: 'Du änderst Telegram-HTML-Anzeigen. Antworte nur mit der geänderten Anzeige.' },
          { role: 'user', content: `Ändere die verfügbare Menge auf 2016:\n${caption}` },
        ]);
        if (sent && changed) await ctx.editCaption(sent.messageId, changed.slice(0, MAX_ADVERT), { parseMode: 'HTML' });
      } catch (error) {
        if (error instanceof AiUnavailable) await ctx.reply(AI_OFF);
        else throw error;
      }
    },
  },
  dialogue: {
    async 'update.title'(ctx, text) {
      if (!text) return void (await ctx.reply('Bitte schicke den Titel als Text.'));
      await ctx.dialogue.set('update.description', { ...ctx.dialogue.data, title: text });
      await ctx.reply('Wie lautet die Beschreibung?');
    },
    async 'update.description'(ctx, text) {
      if (!text) return void (await ctx.reply('Bitte schicke die Beschreibung als Text.'));
      const { title, introId } = ctx.dialogue.data as { title: string; introId: string | null };
      await ctx.dialogue.set(null, { title, description: text });
      await ctx.reply(`Artikel erfasst:\n<b>${esc(title)}</b>\n${esc(text)}`, { parseMode: 'HTML' });
      if (introId) await ctx.editText(introId, `<b>Artikel angelegt:</b> ${esc(title)}`, { parseMode: 'HTML' });
    },
  },
};
