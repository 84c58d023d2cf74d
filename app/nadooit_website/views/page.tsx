import type { Children } from '@kitajs/html';
import { Layout } from '../../core/ui/layout.js';
import type { PageContext } from '../../core/ui/page-context.js';
import type { ContentPage } from '../services/content-pages.js';
import type { PageContent, PagePlugin, PageSection } from '../services/pages.js';
import { websiteAsset } from '../static-mount.js';
import { renderTemplate } from '../template.js';
import { FileCard, VideoPlayer, VideoScripts } from './video.js';

export interface VisitorPage {
  sessionId: string;
  signalToken: string;
}

/**
 * The public site in the platform's layout. No inline code (strict CSP): the session id and signal token
 * reach website.js through data attributes, and htmx sends the token on the endless-scroll requests
 * (hx-headers is inherited by everything inside the page).
 */
export function WebsiteLayout({ ctx, title, visitor, children }: { ctx: PageContext; title: string; visitor?: VisitorPage; children?: Children }): JSX.Element {
  const nav = (
    <>
      <li class="nav-item">
        <a class="nav-link" href="/" safe>
          {ctx.t('website.nav.home')}
        </a>
      </li>
      <li class="nav-item">
        <a class="nav-link" href="/nadooit-os/" safe>
          {ctx.t('website.nav.portal')}
        </a>
      </li>
    </>
  );
  return (
    <Layout ctx={ctx} title={title} nav={nav}>
      <link rel="stylesheet" href={websiteAsset('website.css')} />
      <div
        id="view-port"
        class="web-page"
        data-session-id={visitor?.sessionId}
        data-signal-token={visitor?.signalToken}
        hx-headers={visitor ? JSON.stringify({ 'X-Signal-Token': visitor.signalToken }) : undefined}
      >
        {children}
      </div>
      <nav class="web-legal container small py-3" aria-label={ctx.t('website.legal')}>
        <a href="/impressum" class="me-3" safe>
          {ctx.t('website.nav.impressum')}
        </a>
        <a href="/datenschutz" safe>
          {ctx.t('website.nav.datenschutz')}
        </a>
      </nav>
      <script src={websiteAsset('website.js')} defer></script>
      <VideoScripts />
    </Layout>
  );
}

function VoteBar({ ctx }: { ctx: PageContext }): JSX.Element {
  return (
    <div class="web-vote" role="group" aria-label={ctx.t('website.vote.label')}>
      <button type="button" class="btn btn-sm btn-outline-secondary web-vote-up" data-vote="upvote" aria-label={ctx.t('website.vote.up')} aria-pressed="false">
        <i class="bi bi-hand-thumbs-up" aria-hidden="true"></i>
      </button>
      <button type="button" class="btn btn-sm btn-outline-secondary web-vote-down" data-vote="downvote" aria-label={ctx.t('website.vote.down')} aria-pressed="false">
        <i class="bi bi-hand-thumbs-down" aria-hidden="true"></i>
      </button>
    </div>
  );
}

export interface SectionOptions {
  sessionId: string;
  /** The last section carries the endless-scroll trigger and is followed by its (closed) placeholder. */
  last: boolean;
  /** Unique within the page (a section may appear more than once). */
  slot: string;
}

/**
 * One section in its tracking wrapper (A.4, with valid markup): the signals it reports are listed in
 * data-signals and wired by website.js; a vote section gets its two buttons.
 */
export function SectionBlock({ ctx, section, options }: { ctx: PageContext; section: PageSection; options: SectionOptions }): JSX.Element {
  const safeHtml = renderTemplate(section.template, {
    sessionId: options.sessionId,
    video: section.video ? String(<VideoPlayer video={section.video} />) : '',
    file: section.file ? String(<FileCard file={section.file} />) : '',
  });
  const more = `web-more-${options.slot}`;
  const trigger = options.last
    ? {
        'hx-post': `/end_of_session_sections/${options.sessionId}/${section.id}`,
        'hx-trigger': 'revealed',
        'hx-target': `#${more}`,
        'hx-swap': 'outerHTML',
        'hx-disinherit': '*',
      }
    : {};
  return (
    <>
      <div class="web-section" id={`web-section-${options.slot}`} data-section-id={section.id} data-signals={section.signals.join(' ')} {...trigger}>
        {section.signals.includes('vote') ? <VoteBar ctx={ctx} /> : ''}
        <div class="web-section-body">{safeHtml}</div>
      </div>
      {options.last ? <div id={more} class="web-more" aria-hidden="true"></div> : ''}
    </>
  );
}

function PluginBlock({ plugin, sessionId }: { plugin: PagePlugin; sessionId: string }): JSX.Element {
  const safeHtml = renderTemplate(plugin.template, { sessionId });
  return (
    <div class="web-plugin" data-plugin-id={plugin.id}>
      {safeHtml}
    </div>
  );
}

/**
 * The CMS page: the order's sections, the endless-scroll trigger on the last one, then the plugins (after
 * the trigger's placeholder, so a swap never swallows them). Without a visitor (the staff preview) nothing
 * is tracked and there is no endless scroll.
 */
export function HomePage({ ctx, visitor, content, preview = false }: { ctx: PageContext; visitor?: VisitorPage; content: PageContent; preview?: boolean }): JSX.Element {
  const sessionId = visitor?.sessionId ?? '';
  return (
    <WebsiteLayout ctx={ctx} title={ctx.t('website.home.title')} visitor={visitor}>
      {preview ? (
        <div class="alert alert-warning rounded-0 mb-0 text-center" safe>
          {ctx.t('website.preview.banner')}
        </div>
      ) : (
        ''
      )}
      <div class="web-sections">
        {content.sections.map((section, index) => (
          <SectionBlock ctx={ctx} section={section} options={{ sessionId, last: !!visitor && index === content.sections.length - 1, slot: String(index) }} />
        ))}
      </div>
      <div class="web-plugins">
        {content.plugins.map((plugin) => (
          <PluginBlock plugin={plugin} sessionId={sessionId} />
        ))}
      </div>
    </WebsiteLayout>
  );
}

/** Impressum / Datenschutz: staff-edited HTML in the section template language, nothing tracked. */
export function ContentPageView({ ctx, page }: { ctx: PageContext; page: ContentPage }): JSX.Element {
  const safeHtml = renderTemplate(page.template, { sessionId: '' });
  return (
    <WebsiteLayout ctx={ctx} title={page.title}>
      <article class="container py-4 web-content-page">{safeHtml}</article>
    </WebsiteLayout>
  );
}
