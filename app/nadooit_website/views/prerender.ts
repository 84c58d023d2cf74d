import { randomBytes, randomUUID } from 'node:crypto';
import type { VisitorPage } from './page.js';

/**
 * The public page is the same for every anonymous visitor of one order but for the session id and the
 * signal token. It is rendered once per order content and language with two markers in their place (random
 * per process, so no section text can contain them) and cut at the markers; a visit then only joins the
 * pieces with its own id and token. Both values are safe as they are (a UUID and a base64url HMAC), so
 * nothing the escaping would have changed is lost.
 */
const SESSION_MARK = randomUUID();
const TOKEN_MARK = randomBytes(24).toString('base64url');

export class PrerenderedPage {
  /** The page cut at the markers, encoded once: a visit copies bytes instead of building a ~20 KB string. */
  private readonly pieces: Buffer[] = [];
  private readonly slots: Array<keyof VisitorPage> = [];
  private readonly fixedBytes: number;

  constructor(html: string) {
    const marks = new RegExp(`${SESSION_MARK}|${TOKEN_MARK}`, 'g');
    let last = 0;
    for (const match of html.matchAll(marks)) {
      this.pieces.push(Buffer.from(html.slice(last, match.index)));
      this.slots.push(match[0] === SESSION_MARK ? 'sessionId' : 'signalToken');
      last = match.index! + match[0].length;
    }
    this.pieces.push(Buffer.from(html.slice(last)));
    this.fixedBytes = this.pieces.reduce((sum, piece) => sum + piece.length, 0);
  }

  /** The page's bytes (UTF-8) for one visitor. */
  fill(visitor: VisitorPage): Buffer {
    const values = this.slots.map((slot) => visitor[slot]);
    const page = Buffer.allocUnsafe(this.fixedBytes + values.reduce((sum, value) => sum + Buffer.byteLength(value), 0));
    let at = this.pieces[0]!.copy(page, 0);
    for (let i = 0; i < values.length; i++) {
      at += page.write(values[i]!, at);
      at += this.pieces[i + 1]!.copy(page, at);
    }
    return page;
  }
}

const cache = new WeakMap<object, Map<string, PrerenderedPage>>();

/**
 * The page of `content` (an object that is replaced when the content changes, so a new one renders anew)
 * for `variant` (e.g. the language), rendered by `render` with the markers on first use.
 */
export async function prerendered(content: object, variant: string, render: (visitor: VisitorPage) => string | Promise<string>): Promise<PrerenderedPage> {
  let byVariant = cache.get(content);
  if (!byVariant) cache.set(content, (byVariant = new Map()));
  let page = byVariant.get(variant);
  if (!page) byVariant.set(variant, (page = new PrerenderedPage(String(await render({ sessionId: SESSION_MARK, signalToken: TOKEN_MARK })))));
  return page;
}
