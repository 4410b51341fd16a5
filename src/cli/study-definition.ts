/**
 * What `hyperforce run` stores as a study's definition, in the words of its flags: the objective's
 * identity (task, data file and its content hash, target, kind, epochs, split seed, module or
 * command) and the sampler with its options. Defaults are written out (epochs 15, split seed 0, the
 * kind a CSV target was inferred as, an RL sampler's resolved settings), so that giving a default
 * explicitly is the same experiment as leaving it out.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ObjectiveSpec } from "../objectives/spec.ts";
import { PolicySampler } from "../samplers/policy-sampler.ts";
import type { StudyDefinition } from "../study/definition.ts";
import { loadCsvDatasetWithSummary } from "../tasks/csv-task.ts";
import { DEFAULT_EPOCHS } from "../tasks/train.ts";
import type { RunPlan } from "./run-setup.ts";

function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function objectiveFields(spec: ObjectiveSpec): StudyDefinition {
  switch (spec.kind) {
    case "task":
      return { task: spec.task, epochs: spec.epochs ?? DEFAULT_EPOCHS, "split seed": spec.splitSeed ?? 0 };
    case "csv": {
      const options = {
        target: spec.target,
        ...(spec.taskKind !== undefined ? { kind: spec.taskKind } : {}),
        ...(spec.separator !== undefined ? { separator: spec.separator } : {}),
        ...(spec.header !== undefined ? { header: spec.header } : {}),
        ...(spec.exclude !== undefined ? { exclude: spec.exclude } : {}),
        ...(spec.maxCategories !== undefined ? { maxCategories: spec.maxCategories } : {}),
      };
      const { summary } = loadCsvDatasetWithSummary(spec.path, options);
      return {
        task: `csv:${spec.path}`,
        "CSV sha256": sha256(spec.path),
        target: spec.target,
        kind: summary.kind,
        separator: summary.separator,
        header: summary.header,
        exclude: spec.exclude ?? [],
        "max categories": spec.maxCategories ?? 100,
        epochs: spec.epochs ?? DEFAULT_EPOCHS,
        "split seed": spec.splitSeed ?? 0,
      };
    }
    case "table":
      return { task: `table:${spec.path}`, "table sha256": sha256(spec.path) };
    case "module":
      return { objective: `${spec.path}#${spec.exportName ?? "objective"}` };
    case "command":
      return { command: spec.command };
  }
}

function samplerOptions(plan: RunPlan): Record<string, unknown> {
  if (plan.sampler instanceof PolicySampler) {
    const { seed: _seed, ...settings } = plan.sampler.settings as unknown as Record<string, unknown>;
    return settings;
  }
  const given: Record<string, unknown> = { ...(plan.config.samplerOptions ?? {}) };
  for (const key of ["policy", "cell", "preset", "levels"] as const) if (plan.config[key] !== undefined) given[key] = plan.config[key];
  delete given.seed;
  return Object.fromEntries(Object.entries(given).sort(([a], [b]) => a.localeCompare(b)));
}

/** The definition stored with a study `hyperforce run` creates, and compared when it resumes one. */
export function studyDefinition(plan: RunPlan): StudyDefinition {
  return { ...objectiveFields(plan.objective), sampler: plan.samplerName, "sampler options": samplerOptions(plan) };
}
