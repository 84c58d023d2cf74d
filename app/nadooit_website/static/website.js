// The website's signals (A.4), without inline scripts: every section wrapper lists what it reports in
// data-signals; this script sends them with the page's signal token. Endless scroll itself is htmx.
(function () {
  'use strict';
  // The site's service worker (root scope): an offline page when NADOOIT OS or the site cannot be reached.
  // The manifest link belongs in <head>, which the shared layout renders; the site adds it there.
  if (!document.querySelector('link[rel="manifest"]')) {
    var manifest = document.createElement('link');
    manifest.rel = 'manifest';
    manifest.href = '/manifest.webmanifest';
    document.head.appendChild(manifest);
  }
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/service-worker.js').catch(function () {});
  var HEARTBEAT_MS = 5000;
  var page = document.querySelector('.web-page[data-session-id]');
  if (!page) return;
  var sessionId = page.dataset.sessionId;
  var token = page.dataset.signalToken;

  function post(url, payload) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      keepalive: true,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Signal-Token': token },
      body: JSON.stringify(payload || {}),
    }).catch(function () {});
  }
  function signal(sectionId, type, payload) {
    return post('/signal/' + sessionId + '/' + sectionId + '/' + type + '/', payload);
  }

  // A section counts as seen only while it is visible and the tab has focus.
  var visible = new Set();
  var seen = new Set();
  function reportSeen() {
    if (!document.hasFocus() || document.visibilityState !== 'visible') return;
    visible.forEach(function (el) {
      var id = el.dataset.sectionId;
      if (seen.has(id)) return;
      seen.add(id);
      signal(id, 'revealed');
    });
  }
  var observer =
    'IntersectionObserver' in window
      ? new IntersectionObserver(
          function (entries) {
            entries.forEach(function (entry) {
              if (entry.isIntersecting) visible.add(entry.target);
              else visible.delete(entry.target);
            });
            reportSeen();
          },
          { threshold: 0.3 },
        )
      : null;
  window.addEventListener('focus', reportSeen);
  document.addEventListener('visibilitychange', reportSeen);

  function wire(el) {
    if (el.dataset.webReady) return;
    el.dataset.webReady = '1';
    var id = el.dataset.sectionId;
    var kinds = (el.dataset.signals || '').split(' ');
    if (kinds.indexOf('revealed') >= 0 && observer) observer.observe(el);
    if (kinds.indexOf('click') >= 0) el.addEventListener('click', function () { signal(id, 'click'); }, { once: true });
    if (kinds.indexOf('mouseenter_once') >= 0) el.addEventListener('mouseenter', function () { signal(id, 'mouseenter_once'); }, { once: true });
    if (kinds.indexOf('mouseleave') >= 0) {
      var start = 0;
      el.addEventListener('mouseenter', function () { start = performance.now(); });
      el.addEventListener('mouseleave', function () {
        if (!start) return;
        var seconds = (performance.now() - start) / 1000;
        start = 0;
        signal(id, 'mouseleave', { interaction_time: Math.round(seconds * 1000) / 1000 });
      });
    }
    el.querySelectorAll('[data-vote]').forEach(function (button) {
      button.addEventListener('click', function () {
        el.querySelectorAll('[data-vote]').forEach(function (b) {
          var on = b === button;
          b.classList.toggle('active', on);
          b.setAttribute('aria-pressed', on ? 'true' : 'false');
        });
        signal(id, button.dataset.vote);
      });
    });
  }
  function wireAll(root) {
    if (root.matches && root.matches('.web-section[data-section-id]')) wire(root);
    root.querySelectorAll('.web-section[data-section-id]').forEach(wire);
  }
  wireAll(document);
  document.addEventListener('htmx:load', function (event) { wireAll(event.detail.elt); });

  // A section's question form (<form data-web-question> with a field named "question" and an optional
  // hidden [data-web-thanks] element) is sent to the Q&A app with the signal token.
  document.addEventListener('submit', function (event) {
    var form = event.target.closest ? event.target.closest('form[data-web-question]') : null;
    if (!form) return;
    event.preventDefault();
    var field = form.querySelector('[name="question"]');
    if (!field || !field.value.trim()) return;
    post('/your_question_we_answer/question/' + sessionId, { question: field.value }).then(function (response) {
      if (!response || !response.ok) return;
      field.value = '';
      var thanks = form.querySelector('[data-web-thanks]');
      if (thanks) thanks.hidden = false;
    });
  });

  // A meeting request (e.g. <a data-web-conversion="meeting_request" href="mailto:…">) is a conversion of
  // the experiment; the link itself still does what it does.
  document.addEventListener('click', function (event) {
    var el = event.target.closest ? event.target.closest('[data-web-conversion="meeting_request"]') : null;
    if (el) post('/conversion/' + sessionId + '/meeting_request');
  });

  setInterval(function () {
    if (document.visibilityState === 'visible') post('/session_is_active_signal/' + sessionId);
  }, HEARTBEAT_MS);
})();
