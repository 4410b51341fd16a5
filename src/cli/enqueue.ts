/**
 * `hyperforce enqueue --study NAME --param lr=0.01 --param layers=2`: adds a WAITING trial with these
 * parameters; the next `hyperforce run` of the study evaluates it first (Optuna's enqueue_trial).
 * Values are read by the study's space: numbers for float and int parameters, one of the choices
 * for a categorical one; a value outside the space is refused by the study.
 */
import { Command } from "commander";
import { studySpace } from "../report/space-of.ts";
import type { Distribution, Params, ParamValue } from "../space/types.ts";
import { loadStudy } from "../study/study.ts";
import { UsageError } from "./errors.ts";
import { DEFAULT_STORAGE } from "./run-setup.ts";
import { openExistingStorage, resolveStudy } from "./studies.ts";

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A --param's value as the parameter's distribution reads it. */
export function paramValue(name: string, text: string, distribution: Distribution | undefined): ParamValue {
  const choices = (distribution as { choices?: unknown } | undefined)?.choices;
  if (Array.isArray(choices)) {
    const match = (choices as ParamValue[]).find((choice) => String(choice) === text);
    if (match === undefined) throw new UsageError(`--param ${name}=${text}: ${name} is one of ${choices.map(String).join(", ")}`);
    return match;
  }
  if (distribution !== undefined) {
    const number = text.trim() === "" ? Number.NaN : Number(text);
    if (!Number.isFinite(number)) throw new UsageError(`--param ${name}=${text}: ${name} is a number`);
    if (distribution.type === "int" && !Number.isInteger(number)) throw new UsageError(`--param ${name}=${text}: ${name} is an integer`);
    return number;
  }
  if (text !== "" && Number.isFinite(Number(text))) return Number(text);
  return text === "true" ? true : text === "false" ? false : text;
}

export function parseParams(pairs: readonly string[], space: Record<string, Distribution>): Params {
  const params: Params = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new UsageError(`--param must be NAME=VALUE, got ${JSON.stringify(pair)}`);
    const name = pair.slice(0, at);
    if (Object.hasOwn(params, name)) throw new UsageError(`--param ${name} is given twice`);
    params[name] = paramValue(name, pair.slice(at + 1), space[name]);
  }
  return params;
}

export function enqueueCommand(): Command {
  return new Command("enqueue")
    .description("add a trial with given parameters, evaluated first by the study's next run")
    .option("--study <name>", "study name (see: hyperforce studies); optional when the storage holds one study")
    .option("--storage <file|url>", "journal file, redis:// or postgresql:// URL", DEFAULT_STORAGE)
    .option("--param <name=value>", "a parameter's value (repeat for each parameter)", collect, [])
    .action((flags: { study?: string; storage: string; param: string[] }) => {
      if (flags.param.length === 0) throw new UsageError("give at least one --param NAME=VALUE");
      const storage = openExistingStorage(flags.storage);
      try {
        const summary = resolveStudy(storage, flags.study, flags.storage);
        const params = parseParams(flags.param, studySpace(summary.systemAttrs, storage.getAllTrials(summary.studyId)));
        const number = loadStudy({ name: summary.name, storage }).enqueueTrial(params);
        const shown = Object.entries(params).map(([name, value]) => `${name}=${String(value)}`);
        process.stdout.write(`enqueued trial #${number} of study "${summary.name}": ${shown.join(", ")}\n`);
      } finally {
        storage.close?.();
      }
    });
}
