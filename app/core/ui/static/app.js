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

// Phones: every table in a .table-responsive box becomes a stack of cards (app.css); each cell gets its
// column's heading as data-label, shown in front of the value. Runs again after htmx swaps rows in.
function labelTableCells(root) {
  root.querySelectorAll('.table-responsive > table').forEach((table) => {
    const headings = [];
    table.querySelectorAll('thead tr:first-child > th, thead tr:first-child > td').forEach((th) => {
      for (let i = 0; i < (th.colSpan || 1); i++) headings.push(th.textContent.trim());
    });
    table.querySelectorAll('tbody > tr, tfoot > tr').forEach((row) => {
      let column = 0;
      for (const cell of row.children) {
        if (!cell.hasAttribute('data-label') && headings[column]) cell.setAttribute('data-label', headings[column]);
        column += cell.colSpan || 1;
      }
    });
    table.classList.add('table-stacked');
  });
}
labelTableCells(document);
document.addEventListener('htmx:afterSettle', () => labelTableCells(document));
