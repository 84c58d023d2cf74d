// Security-key flows under a strict CSP. A form with data-webauthn="authenticate" or "register" posts
// its fields as JSON to data-options-url, runs the browser ceremony and posts the answer to
// data-verify-url; the server replies with { redirect } (a local path) or { error: { message } }.
(function () {
  'use strict';

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  async function postJson(url, body, fallbackMessage) {
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrftoken': csrfToken() },
      body: JSON.stringify(body),
    });
    let data = {};
    try {
      data = await response.json();
    } catch (_ignored) {
      data = {};
    }
    if (!response.ok) {
      const error = new Error((data.error && data.error.message) || fallbackMessage);
      error.fromServer = true;
      throw error;
    }
    return data;
  }

  function formFields(form) {
    const fields = {};
    new FormData(form).forEach(function (value, key) {
      if (key !== 'csrfmiddlewaretoken') fields[key] = String(value);
    });
    return fields;
  }

  function showError(form, message) {
    const box = form.querySelector('[data-webauthn-error]') || document.querySelector('[data-webauthn-error]');
    if (!box) return;
    box.textContent = message;
    box.classList.remove('d-none');
  }

  function clearError(form) {
    const box = form.querySelector('[data-webauthn-error]') || document.querySelector('[data-webauthn-error]');
    if (box) box.classList.add('d-none');
  }

  async function run(form) {
    const library = window.SimpleWebAuthnBrowser;
    const failed = form.getAttribute('data-failed-message') || 'Error';
    if (!library || !library.browserSupportsWebAuthn()) {
      showError(form, form.getAttribute('data-unsupported-message') || failed);
      return;
    }
    const buttons = form.querySelectorAll('button');
    buttons.forEach(function (b) { b.disabled = true; });
    clearError(form);
    try {
      const fields = formFields(form);
      const begin = await postJson(form.getAttribute('data-options-url'), fields, failed);
      const credential =
        form.getAttribute('data-webauthn') === 'register'
          ? await library.startRegistration({ optionsJSON: begin.options })
          : await library.startAuthentication({ optionsJSON: begin.options });
      fields.credential = credential;
      const done = await postJson(form.getAttribute('data-verify-url'), fields, failed);
      window.location.assign(done.redirect || '/');
    } catch (error) {
      const cancelled = error && (error.name === 'NotAllowedError' || error.name === 'AbortError');
      // SecurityError: the browser refuses keys for this address (an IP address, or not the keys' domain).
      const wrongAddress = error && error.name === 'SecurityError' && form.getAttribute('data-address-message');
      showError(
        form,
        error && error.fromServer
          ? error.message
          : wrongAddress
            ? wrongAddress.replace('{origin}', window.location.origin)
            : cancelled
              ? form.getAttribute('data-cancelled-message') || failed
              : failed,
      );
      buttons.forEach(function (b) { b.disabled = false; });
    }
  }

  document.addEventListener('submit', function (event) {
    const form = event.target;
    if (!form || !form.getAttribute || !form.getAttribute('data-webauthn')) return;
    event.preventDefault();
    run(form);
  });
})();
