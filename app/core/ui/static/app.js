// Site-wide behaviour that must work under a strict CSP (no inline scripts).
document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-copy-target]');
  if (!button) return;
  const source = document.querySelector(button.getAttribute('data-copy-target'));
  if (!source) return;
  navigator.clipboard.writeText(source.textContent.trim()).then(() => {
    const label = button.getAttribute('data-copied-label');
    if (label) button.textContent = label;
  });
});
document.addEventListener('submit', (event) => {
  const form = event.target;
  const message = form.getAttribute && form.getAttribute('data-confirm');
  if (message && !window.confirm(message)) event.preventDefault();
});
