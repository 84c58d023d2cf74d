/**
 * What the page's strict Content-Security-Policy would block anyway is taken out of staff HTML when it is
 * compiled (the stored HTML stays as written, so export stays byte-identical and staff can rework it):
 * `<script>` elements (inline or from other sites), inline event handlers (`onclick=…`), `<style>`
 * elements and `style=` attributes. The browser would refuse each of them and report a CSP violation on
 * every view; removing them keeps the console clean and the admin says exactly what was removed. Staff
 * use the site's own behaviours instead (`data-web-question`, `data-web-conversion`, the vote and signal
 * wrappers) and the site's stylesheet classes.
 */

const SCRIPT = /<script\b[^>]*>[\s\S]*?<\/script\s*>/gi;
const STYLE_ELEMENT = /<style\b[^>]*>[\s\S]*?<\/style\s*>/gi;
/** An opening tag (attribute values may hold `>` when quoted). */
const TAG = /<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(\/?)>/g;
const CODE_ATTRIBUTE = /\s+(on[a-z]+|style)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?/gi;

export interface NeutralisedHtml {
  html: string;
  warnings: string[];
}

export function neutraliseHtml(source: string): NeutralisedHtml {
  const warnings: string[] = [];
  let scripts = 0;
  let styles = 0;
  const handlers = new Set<string>();
  let styleAttributes = 0;
  let html = source.replace(SCRIPT, () => {
    scripts += 1;
    return '';
  });
  html = html.replace(STYLE_ELEMENT, () => {
    styles += 1;
    return '';
  });
  html = html.replace(TAG, (tag: string, name: string, attributes: string, selfClosing: string) => {
    if (!CODE_ATTRIBUTE.test(attributes)) return tag;
    CODE_ATTRIBUTE.lastIndex = 0;
    const kept = attributes.replace(CODE_ATTRIBUTE, (_attr: string, attrName: string) => {
      if (attrName.toLowerCase() === 'style') styleAttributes += 1;
      else handlers.add(attrName.toLowerCase());
      return '';
    });
    return `<${name}${kept}${selfClosing ? ' /' : ''}>`;
  });
  if (scripts) warnings.push(`${scripts} <script> element(s) removed (the page allows no inline or third-party scripts)`);
  if (handlers.size) warnings.push(`event handler attribute(s) ${[...handlers].sort().join(', ')} removed (inline code is not allowed)`);
  if (styles) warnings.push(`${styles} <style> element(s) removed (inline styles are not allowed; use the site's CSS classes)`);
  if (styleAttributes) warnings.push(`${styleAttributes} style="…" attribute(s) removed (inline styles are not allowed)`);
  return { html, warnings };
}
