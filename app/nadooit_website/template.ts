import { escapeHtml } from '@kitajs/html';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { allStaticMounts, assetUrl } from '../core/ui/assets.js';
import { neutraliseHtml } from './template-html.js';

/**
 * The section template language. Section and plugin HTML is staff content, not code: it is emitted as
 * written, and only these tags do something —
 *
 *   {{ video }}  {{ file }}  {{ session_id }}  {% static 'path' %}  {% url 'name' %}  {% load … %} (ignored)
 *   {# … #} (a comment, removed)
 *
 * Everything else that looks like a tag (`{{ video|safe }}`, `{% include %}`, `{% if %}`, an unterminated
 * `{{`, a tag argument with markup in it) is printed as escaped text, with a warning the admin shows.
 * An unknown `{% url %}` name renders `#` plus a warning — never an error.
 */

export type Node =
  | { kind: 'html'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'var'; name: 'video' | 'file' | 'session_id' }
  | { kind: 'url'; href: string };

export interface CompiledTemplate {
  nodes: Node[];
  warnings: string[];
  usesVideo: boolean;
  usesFile: boolean;
}

export interface RenderContext {
  sessionId: string;
  /** Markup for `{{ video }}` / `{{ file }}`; empty until the video/file models exist. */
  video?: string;
  file?: string;
}

/** URL names `{% url %}` knows; apps add theirs with registerUrlName (namespaced like Django: `app:name`). */
const urlNames = new Map<string, string>();
export function registerUrlName(name: string, path: string): void {
  urlNames.set(name, path);
  const short = name.split(':').pop()!;
  if (short !== name && !urlNames.has(short)) urlNames.set(short, path);
}
export function resolveUrlName(name: string): string | undefined {
  return urlNames.get(name);
}

const VARIABLES = new Set(['video', 'file', 'session_id']);
/** A quoted argument: '…' or "…". */
const QUOTED = /^(['"])([^'"]*)\1$/;
const STATIC_PATH = /^[A-Za-z0-9._\-/]+$/;
const URL_NAME = /^[A-Za-z0-9_\-:.]+$/;

function short(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** A transparent 1×1 GIF: what a `{% static %}` path that does not exist renders (no request, no 404). */
export const MISSING_STATIC = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

/** Whether a `{% static %}` path names a file of one of the app's static mounts (checked once, at compile time). */
function staticFileExists(relative: string): boolean {
  const [mount, ...rest] = relative.split('/');
  const dir = allStaticMounts().find((m) => m.mount === mount)?.dir;
  return !!dir && rest.length > 0 && existsSync(path.join(dir, ...rest));
}

/** `{% static %}` paths are served from the project's static mounts (e.g. `app/…`, `bootstrap/…`). */
function staticUrl(relative: string, warnings: string[]): string {
  const clean = relative.replace(/^\/+/, '');
  if (staticFileExists(clean)) return assetUrl(clean);
  warnings.push(`{% static '${short(clean)}' %}: no such static file, rendered as an empty image`);
  return MISSING_STATIC;
}

function compileTag(body: string, raw: string, warnings: string[]): Node | null {
  const parts = body.trim().split(/\s+/);
  const [name, ...args] = parts;
  if (name === 'load') return null;
  if ((name === 'static' || name === 'url') && args.length === 1) {
    const quoted = QUOTED.exec(args[0]!);
    const value = quoted?.[2] ?? '';
    if (name === 'static' && quoted && STATIC_PATH.test(value) && !value.split('/').includes('..')) {
      return { kind: 'url', href: staticUrl(value, warnings) };
    }
    if (name === 'url' && quoted && URL_NAME.test(value)) {
      const href = resolveUrlName(value);
      if (href !== undefined) return { kind: 'url', href };
      warnings.push(`{% url '${value}' %}: unknown URL name, rendered as #`);
      return { kind: 'url', href: '#' };
    }
  }
  warnings.push(`unsupported tag ${short(raw)} rendered as text`);
  return { kind: 'text', text: raw };
}

/** Parses once; render() then only concatenates. */
export function compileTemplate(written: string): CompiledTemplate {
  const nodes: Node[] = [];
  const { html: source, warnings } = neutraliseHtml(written);
  let usesVideo = false;
  let usesFile = false;
  let i = 0;
  let html = '';
  const flush = () => {
    if (html) nodes.push({ kind: 'html', text: html });
    html = '';
  };
  while (i < source.length) {
    const open = source.indexOf('{', i);
    if (open < 0 || open === source.length - 1) {
      html += source.slice(i);
      break;
    }
    html += source.slice(i, open);
    const kind = source[open + 1];
    const close = kind === '{' ? '}}' : kind === '%' ? '%}' : kind === '#' ? '#}' : null;
    if (!close) {
      html += '{';
      i = open + 1;
      continue;
    }
    const end = source.indexOf(close, open + 2);
    if (end < 0) {
      flush();
      warnings.push(`unterminated ${short(source.slice(open))} rendered as text`);
      nodes.push({ kind: 'text', text: source.slice(open) });
      i = source.length;
      break;
    }
    const raw = source.slice(open, end + 2);
    const body = source.slice(open + 2, end);
    i = end + 2;
    if (kind === '#') continue; // a comment
    flush();
    if (kind === '{') {
      const name = body.trim();
      if (!body.includes('{') && VARIABLES.has(name)) {
        nodes.push({ kind: 'var', name: name as 'video' | 'file' | 'session_id' });
        if (name === 'video') usesVideo = true;
        if (name === 'file') usesFile = true;
      } else {
        warnings.push(`unsupported variable ${short(raw)} rendered as text`);
        nodes.push({ kind: 'text', text: raw });
      }
      continue;
    }
    if (body.includes('{')) {
      warnings.push(`unsupported tag ${short(raw)} rendered as text`);
      nodes.push({ kind: 'text', text: raw });
      continue;
    }
    const node = compileTag(body, raw, warnings);
    if (node) nodes.push(node);
  }
  flush();
  return { nodes, warnings, usesVideo, usesFile };
}

export function renderTemplate(template: CompiledTemplate, context: RenderContext): string {
  let out = '';
  for (const node of template.nodes) {
    switch (node.kind) {
      case 'html':
        out += node.text;
        break;
      case 'text':
        out += escapeHtml(node.text);
        break;
      case 'url':
        out += escapeHtml(node.href);
        break;
      case 'var':
        out += node.name === 'session_id' ? escapeHtml(context.sessionId) : (context[node.name] ?? '');
        break;
    }
  }
  return out;
}

/**
 * Compiled templates keyed by row id and its `updated_at`, so a save (here or in another process, e.g. the
 * import command) is picked up by the next page without re-parsing on every request.
 */
export class TemplateCache {
  private entries = new Map<string, { version: string; compiled: CompiledTemplate }>();
  constructor(private readonly limit = 5000) {}

  get(id: string, version: string): CompiledTemplate | undefined {
    const hit = this.entries.get(id);
    return hit && hit.version === version ? hit.compiled : undefined;
  }

  set(id: string, version: string, compiled: CompiledTemplate): CompiledTemplate {
    if (this.entries.size >= this.limit) this.entries.clear();
    this.entries.set(id, { version, compiled });
    return compiled;
  }

  invalidate(id: string): void {
    this.entries.delete(id);
  }
}

export const templateCache = new TemplateCache();
