/**
 * "Now" for calendar periods ("today", "this month", "this year" on the dashboard and in the admin's date
 * filters). It is the system clock; tests fix it (setClock) so that what they assert about a period does
 * not depend on the day — or the second before midnight — they run on. Timestamps that are stored (created
 * at, expires at …) keep reading the system clock.
 */
let source: () => number = () => Date.now();

/** The current instant as the period calculations see it. */
export function periodNow(): Date {
  return new Date(source());
}

/** Replaces the clock of periodNow() (a function returning epoch ms, or a fixed instant); null restores the system clock. */
export function setClock(clock: (() => number) | Date | null): void {
  if (clock === null) source = () => Date.now();
  else if (clock instanceof Date) {
    const fixed = clock.getTime();
    source = () => fixed;
  } else source = clock;
}
