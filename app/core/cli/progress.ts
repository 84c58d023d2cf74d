/**
 * Progress for long CLI work: a redrawn bar on a terminal, a line every ~10 % elsewhere (CI logs).
 */
export class Progress {
  private done = 0;
  private lastPrinted = -1;
  private readonly started = Date.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  tick(amount = 1): void {
    this.done = Math.min(this.total, this.done + amount);
    this.render(false);
  }

  finish(): void {
    this.done = this.total;
    this.render(true);
  }

  private render(final: boolean): void {
    const ratio = this.total === 0 ? 1 : this.done / this.total;
    const percent = Math.floor(ratio * 100);
    const elapsed = (Date.now() - this.started) / 1000;
    const rate = elapsed > 0 ? Math.round(this.done / elapsed) : 0;
    if (this.stream.isTTY) {
      const width = 30;
      const filled = Math.round(ratio * width);
      this.stream.write(
        `\r${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}% ${this.done}/${this.total} (${rate}/s)`,
      );
      if (final) this.stream.write('\n');
      return;
    }
    const step = Math.floor(percent / 10);
    if (step !== this.lastPrinted || final) {
      if (final && step === this.lastPrinted && percent === 100) return;
      this.lastPrinted = step;
      this.stream.write(`${this.label}: ${percent}% (${this.done}/${this.total}, ${rate}/s)\n`);
    }
  }
}
