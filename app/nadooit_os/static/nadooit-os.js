// NADOOIT OS behaviour under the strict CSP (no inline scripts). Everything works without it; this only
// adds modals for htmx-loaded dialogs and refreshes a booking block after a complaint was filed.
(function () {
  'use strict';

  function modalIn(container) {
    return container && container.querySelector('.modal');
  }

  // A dialog loaded into #os-modal-container opens as a Bootstrap modal.
  document.body.addEventListener('htmx:afterSwap', function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== 'os-modal-container') return;
    var modal = modalIn(target);
    if (modal && window.bootstrap) window.bootstrap.Modal.getOrCreateInstance(modal).show();
  });

  // A block reloaded by a shortcut names its days: the filter's date inputs follow them.
  document.body.addEventListener('htmx:afterSwap', function () {
    document.querySelectorAll('[data-filter-dates]').forEach(function (marker) {
      ['from', 'to'].forEach(function (name) {
        var input = document.getElementById('filter-' + name);
        if (input) input.value = marker.getAttribute('data-' + name) || '';
      });
      marker.remove();
    });
  });

  // Form answers with 409/422 carry the form again with its error message: show them in place.
  document.body.addEventListener('htmx:beforeSwap', function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr || (xhr.status !== 409 && xhr.status !== 422 && xhr.status !== 400)) return;
    if (xhr.getResponseHeader('Content-Type') && xhr.getResponseHeader('Content-Type').indexOf('text/html') === 0 && xhr.responseText.indexOf('data-os-form-answer') !== -1) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // The server announces changed bookings (HX-Trigger: os-bookings-changed {customerId}); the block reloads itself.
  document.body.addEventListener('os-bookings-changed', function (event) {
    var detail = event.detail || {};
    var block = detail.customerId && document.getElementById('bookings-' + detail.customerId);
    if (block && window.htmx) window.htmx.trigger(block, 'os-refresh');
  });

  // Failed htmx requests (403, 404, 5xx) are not swapped; say so instead of doing nothing.
  document.body.addEventListener('htmx:responseError', function (event) {
    var status = event.detail && event.detail.xhr ? event.detail.xhr.status : 0;
    var box = document.getElementById('os-request-error');
    if (!box) return;
    box.textContent = box.getAttribute('data-message-' + status) || box.getAttribute('data-message');
    box.classList.remove('d-none');
  });
})();
