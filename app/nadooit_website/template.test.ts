import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assetUrl } from '../core/ui/assets.js';
import { MISSING_STATIC, TemplateCache, compileTemplate, registerUrlName, renderTemplate } from './template.js';

const SESSION = '3f1c2a4e-0000-4000-8000-000000000001';
const render = (source: string, extra: { video?: string; file?: string } = {}) => renderTemplate(compileTemplate(source), { sessionId: SESSION, ...extra });

describe('section templates: only the supported tags do something', () => {
  registerUrlName('nadooit_website:test_page', '/test-page');

  it('keeps staff HTML and fills the three variables', () => {
    const html = '<section class="a"><h1>Hallo</h1>{{ video }}<div>{{file}}</div><span data-s="{{ session_id }}"></span></section>';
    assert.equal(render(html, { video: '<video></video>', file: '<a download>f</a>' }), `<section class="a"><h1>Hallo</h1><video></video><div><a download>f</a></div><span data-s="${SESSION}"></span></section>`);
    const compiled = compileTemplate(html);
    assert.deepEqual([compiled.usesVideo, compiled.usesFile, compiled.warnings], [true, true, []]);
  });

  it('static, url and load: resolved, known names only; an unknown url name is # plus a warning', () => {
    const source = `{% load static %}{% load django_htmx %}<img src="{% static 'app/favicon.svg' %}"><a href="{% url 'nadooit_website:test_page' %}">x</a><a href="{% url "test_page" %}">y</a><button hx-post="{% url 'nadooit_website:create_meeting_request' %}">z</button>`;
    const compiled = compileTemplate(source);
    assert.equal(
      renderTemplate(compiled, { sessionId: SESSION }),
      `<img src="${assetUrl('app/favicon.svg')}"><a href="/test-page">x</a><a href="/test-page">y</a><button hx-post="#">z</button>`,
    );
    assert.deepEqual(compiled.warnings, [`{% url 'nadooit_website:create_meeting_request' %}: unknown URL name, rendered as #`]);
  });

  it('filters, include, if, for, unknown variables: escaped text with a warning', () => {
    for (const source of ['{{ video|safe }}', "{% include 'base.html' %}", '{% if user %}x{% endif %}', '{% for a in b %}', '{{ request.user }}', '{{ settings.SECRET_KEY }}', "{% static '../secret' %}", "{% url 'a' 'b' %}"]) {
      const compiled = compileTemplate(source);
      assert.ok(compiled.warnings.length > 0, `no warning for ${source}`);
      const out = renderTemplate(compiled, { sessionId: SESSION, video: '<video>' });
      assert.ok(!out.includes('<video>'), source);
      assert.equal(out.replaceAll('&#39;', "'").replaceAll('&quot;', '"'), source.includes('endif') ? source : source, source);
    }
  });

  it('script injection inside a tag argument stays text', () => {
    const out = render(`<p>{% static '"><script>alert(1)</script>' %}</p><p>{% url '<script>alert(2)</script>' %}</p>`);
    assert.ok(!out.includes('<script'), out);
    assert.ok(!out.includes('alert('), 'script elements are removed before the tags are read');
    assert.ok(out.includes('{% static &#39;&#34;>&#39; %}'), out);
    assert.ok(out.includes("{% url &#39;&#39; %}"), out);
  });

  it('what the CSP would block is removed, with a note for staff; the stored HTML is not changed', () => {
    const source = `<style>.x{color:red}</style><div style="min-width:330px" class="a" onclick="go()" data-x='1'><button type="button" ONCLICK='f()'>OK</button></div><script src="https://cdn.example/x.js"></script><script>alert(1)</script><img src="{% static 'static/nadooit_website/png/logo.png' %}" alt="">`;
    const compiled = compileTemplate(source);
    const out = renderTemplate(compiled, { sessionId: 's' });
    assert.equal(out, `<div class="a" data-x='1'><button type="button">OK</button></div><img src="${MISSING_STATIC}" alt="">`);
    assert.deepEqual(compiled.warnings, [
      '2 <script> element(s) removed (the page allows no inline or third-party scripts)',
      'event handler attribute(s) onclick removed (inline code is not allowed)',
      '1 <style> element(s) removed (inline styles are not allowed; use the site\'s CSS classes)',
      '1 style="…" attribute(s) removed (inline styles are not allowed)',
      "{% static 'static/nadooit_website/png/logo.png' %}: no such static file, rendered as an empty image",
    ]);
    assert.equal(renderTemplate(compileTemplate('<p data-style="a" title="onclick=x">Text über style="x"</p>'), { sessionId: '' }), '<p data-style="a" title="onclick=x">Text über style="x"</p>', 'only real attributes are touched');
  });

  it('nested braces and unterminated tags never swallow the page', () => {
    assert.equal(render('a {{ {{ video }} }} b', { video: '<v>' }), 'a {{ {{ video }} }} b');
    assert.equal(render('<p>x</p>{{ video', { video: '<v>' }), '<p>x</p>{{ video');
    assert.equal(render('<p>x</p>{% static \'a.png\'', {}), "<p>x</p>{% static &#39;a.png&#39;");
    // A `{{` runs to the next `}}`: everything between is one unsupported tag, printed as text.
    assert.equal(render('<b>{{ session_id }</b> {{ session_id }}'), '<b>{{ session_id }&lt;/b> {{ session_id }}');
    assert.equal(render('{% if {% static \'a\' %} %}'), "{% if {% static &#39;a&#39; %} %}");
    assert.equal(render('function f() {return {a: 1}}; .x{color:red}'), 'function f() {return {a: 1}}; .x{color:red}');
    assert.equal(render('ends with {'), 'ends with {');
  });

  it('comments are removed', () => {
    assert.equal(render('<button {# a note #}>x</button>'), '<button >x</button>');
  });

  it('the cache keeps a compiled template per row version', () => {
    const cache = new TemplateCache();
    const first = cache.set('a', 'v1', compileTemplate('{{ video }}'));
    assert.equal(cache.get('a', 'v1'), first);
    assert.equal(cache.get('a', 'v2'), undefined);
    cache.invalidate('a');
    assert.equal(cache.get('a', 'v1'), undefined);
  });
});
