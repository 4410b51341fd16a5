/**
 * Progress of a study run: a bar with trials done, the best value so far and the time left on a
 * terminal, sized to the terminal's width (a compact line below 70 columns, so it fits 50); a plain
 * line every few trials otherwise (logs, CI). Once stopped (the end, or Ctrl-C) it draws nothing more,
 * so lines written after it (the "stopping" notice, the summary) are never drawn over.
 */
import cliProgress from "cli-progress";
import { roundForPeople } from "../report/labels.ts";
import type { FrozenTrial } from "../trial/types.ts";

export interface Progress {
  /** Called after each finished trial with the count of finished trials and the best value so far. */
  update(finished: number, best: number | undefined, trial: FrozenTrial): void;
  /** Ends the bar (its line stays); later calls to update and stop do nothing. */
  stop(): void;
}

function formatBest(best: number | undefined): string {
  return best === undefined ? "-" : roundForPeople(best);
}

/** The longest texts the fields take: 99999/99999 trials, a best such as -1.235e-5, an ETA such as 1h59m. */
const WIDEST = { counts: "99999/99999", best: "-1.235e-10", eta: "59m59s" };
const COMPACT_BELOW = 70;

/** The bar's format and length for a terminal `columns` wide: the widest line is at most columns - 1. */
export function progressLayout(columns: number): { format: string; barsize: number } {
  const format =
    columns < COMPACT_BELOW
      ? "{bar} {value}/{total} best {best} {eta_formatted}"
      : "trials {bar} {value}/{total} | best {best} | {eta_formatted} left";
  const text = format
    .replace("{bar}", "")
    .replace("{value}/{total}", WIDEST.counts)
    .replace("{best}", WIDEST.best)
    .replace("{eta_formatted}", WIDEST.eta);
  return { format, barsize: Math.max(5, Math.min(40, columns - 1 - text.length)) };
}

function terminalProgress(total: number, alreadyFinished: number, stream: NodeJS.WriteStream): Progress {
  const layout = progressLayout(stream.columns ?? 80);
  const bar = new cliProgress.SingleBar(
    { ...layout, hideCursor: true, etaBuffer: 20, stream, linewrap: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, alreadyFinished, { best: "-" });
  let stopped = false;
  return {
    update: (finished, best) => {
      if (!stopped) bar.update(Math.min(finished, total), { best: formatBest(best) });
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}

export function createProgress(total: number, alreadyFinished: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) return terminalProgress(total, alreadyFinished, stream);
  const every = Math.max(1, Math.round(total / 20));
  const startedAt = Date.now();
  const firstCount = alreadyFinished;
  let stopped = false;
  return {
    update(finished, best, trial) {
      if (stopped || (finished % every !== 0 && finished !== total)) return;
      const done = finished - firstCount;
      const elapsed = (Date.now() - startedAt) / 1000;
      const left = done > 0 ? ((total - finished) * elapsed) / done : NaN;
      const eta = Number.isFinite(left) ? `${Math.round(left)} s left` : "time left unknown";
      stream.write(`trials ${finished}/${total} | best ${formatBest(best)} | last #${trial.number} ${trial.state} | ${eta}\n`);
    },
    stop() {
      stopped = true;
    },
  };
}
