/**
 * Progress of a study run: a bar with trials done, the best value so far and the time left on a
 * terminal; a plain line every few trials otherwise (logs, CI).
 */
import cliProgress from "cli-progress";
import type { FrozenTrial } from "../trial/types.ts";

export interface Progress {
  /** Called after each finished trial with the count of finished trials and the best value so far. */
  update(finished: number, best: number | undefined, trial: FrozenTrial): void;
  stop(): void;
}

function formatBest(best: number | undefined): string {
  return best === undefined ? "-" : best.toPrecision(6);
}

export function createProgress(total: number, alreadyFinished: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: "trials {bar} {value}/{total} | best {best} | {eta_formatted} left", hideCursor: true, etaBuffer: 20, stream },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, alreadyFinished, { best: "-" });
    return {
      update: (finished, best) => bar.update(Math.min(finished, total), { best: formatBest(best) }),
      stop: () => bar.stop(),
    };
  }
  const every = Math.max(1, Math.round(total / 20));
  const startedAt = Date.now();
  const firstCount = alreadyFinished;
  return {
    update(finished, best, trial) {
      if (finished % every !== 0 && finished !== total) return;
      const done = finished - firstCount;
      const elapsed = (Date.now() - startedAt) / 1000;
      const left = done > 0 ? ((total - finished) * elapsed) / done : NaN;
      const eta = Number.isFinite(left) ? `${Math.round(left)} s left` : "time left unknown";
      stream.write(`trials ${finished}/${total} | best ${formatBest(best)} | last #${trial.number} ${trial.state} | ${eta}\n`);
    },
    stop() {},
  };
}
