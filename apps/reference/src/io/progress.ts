/**
 * A progress bar with ETA on a terminal; silent when stderr is not a TTY (CI logs, pipes) or
 * when --quiet/--json asked for clean output.
 */
export class Progress {
  private readonly start = Date.now();
  private last = 0;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    enabled = true,
  ) {
    this.enabled = enabled && Boolean(process.stderr.isTTY) && !process.env.CI;
  }

  update(fraction: number, detail = ''): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && fraction < 1) return;
    this.last = now;
    const f = Math.min(1, Math.max(0, fraction));
    const width = 28;
    const filled = Math.round(f * width);
    const elapsed = (now - this.start) / 1000;
    const eta = f > 0 ? (elapsed * (1 - f)) / f : Number.NaN;
    const etaText = Number.isFinite(eta) ? `ETA ${eta.toFixed(0)}s` : '';
    process.stderr.write(
      `\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}% ${etaText} ${detail}`.padEnd(
        100,
      ),
    );
  }

  done(): void {
    if (this.enabled) process.stderr.write('\n');
  }
}

/** A line for logs: printed unless quiet. */
export function info(quiet: boolean, message: string): void {
  if (!quiet) process.stderr.write(`${message}\n`);
}
