/**
 * Reads CSV text (RFC 4180: quoted cells may hold separators, quotes as "" and line breaks). The separator is
 * `,` or — as German spreadsheets write it — `;`, taken from the header line. A leading byte-order mark is
 * dropped. Returns rows of cells with the line number each row starts on (for error messages).
 */
export function parseCsv(input: string): { rows: Array<{ line: number; cells: string[] }>; error?: { line: number; message: string } } {
  const text = input.replace(/^\uFEFF/, '');
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const separator = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  const rows: Array<{ line: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === separator) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      if (cells.length > 1 || cells[0] !== '') rows.push({ line: rowLine, cells });
      cells = [];
      cell = '';
      rowLine = ++line;
    } else cell += ch;
  }
  if (quoted) return { rows, error: { line: rowLine, message: 'Anführungszeichen nicht geschlossen' } };
  cells.push(cell);
  if (cells.length > 1 || cells[0] !== '') rows.push({ line: rowLine, cells });
  return { rows };
}

/** Undoes the export's protection against spreadsheet formulas (a leading apostrophe before = + - @). */
export function unprotectCell(value: string): string {
  return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

/**
 * One CSV cell for an export: quoted when needed (RFC 4180); text a spreadsheet would run as a formula gets
 * a leading apostrophe (undone by unprotectCell).
 */
export function csvCell(value: string | number | null): string {
  return cell(value, ',');
}

/** csvCell for files whose cells are separated by `separator` (`;` for German spreadsheets). */
export function csvCellFor(separator: ',' | ';'): (value: string | number | null) => string {
  return separator === ',' ? csvCell : (value) => cell(value, separator);
}

function cell(value: string | number | null, separator: string): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text.includes(separator) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * How an export writes numbers and times. `spreadsheet` opens as it should in a German Excel/LibreOffice:
 * a UTF-8 byte-order mark, `;` between cells, decimal comma, local wall-clock time. `standard` is RFC 4180
 * for programs: `,`, decimal point, ISO-8601 UTC.
 */
export const CSV_FORMATS = ['spreadsheet', 'standard'] as const;
export type CsvFormat = (typeof CSV_FORMATS)[number];

export function isCsvFormat(value: unknown): value is CsvFormat {
  return typeof value === 'string' && (CSV_FORMATS as readonly string[]).includes(value);
}

/** The separator of a format and what a file of it starts with (the BOM tells Excel the text is UTF-8). */
export function csvDialect(format: CsvFormat): { separator: ',' | ';'; decimal: '.' | ','; start: string } {
  return format === 'spreadsheet' ? { separator: ';', decimal: ',', start: '\uFEFF' } : { separator: ',', decimal: '.', start: '' };
}
