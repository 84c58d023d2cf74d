// Admin list behaviour under the strict CSP: "select all" and enabling the action button.
document.addEventListener('change', (event) => {
  const target = event.target;
  if (!(target instanceof HTMLInputElement)) return;
  const form = target.form;
  if (!form) return;
  if (target.matches('[data-admin-select-all]')) {
    for (const box of form.querySelectorAll('input[name="ids"]')) box.checked = target.checked;
  }
  if (target.matches('[data-admin-select-all], input[name="ids"]')) {
    const count = form.querySelectorAll('input[name="ids"]:checked').length;
    const counter = form.querySelector('[data-admin-selected-count]');
    if (counter) counter.textContent = String(count);
  }
});
