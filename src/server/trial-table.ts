/**
 * The dashboard's trial table, done on the server so a study of 10,000 trials sends one page: filter
 * by state and by text (a trial matches when the text is in its number, state, a parameter's name or
 * value, or its fail reason), sort by any column, then cut one page.
 */
import type { FrozenTrial } from "../trial/types.ts";

export interface TableQuery {
  /** "number", "state", "value", "duration" or "param:<name>". */
  sort: string;
  order: "asc" | "desc";
  /** Case-insensitive text every shown trial contains; "" for all. */
  filter: string;
  /** One state, or "" for every state. */
  state: string;
  page: number;
  size: number;
}

export interface TableRow {
  number: number;
  state: string;
  value: number | null;
  params: Record<string, unknown>;
  durationSeconds: number | null;
  failReason: string | null;
}

export interface TablePage {
  /** Trials matching the filter, over every page. */
  matching: number;
  total: number;
  page: number;
  pages: number;
  parameters: string[];
  rows: TableRow[];
}

export const MAX_PAGE_SIZE = 500;
const SORTS = new Set(["number", "state", "value", "duration"]);

/** The query a URL asks for; a bad value is an error naming the parameter and what it accepts. */
export function parseTableQuery(search: URLSearchParams): TableQuery {
  const sort = search.get("sort") ?? "number";
  if (!SORTS.has(sort) && !sort.startsWith("param:"))
    throw new Error(`sort must be number, state, value, duration or param:<name>, got "${sort}"`);
  const order = search.get("order") ?? "asc";
  if (order !== "asc" && order !== "desc") throw new Error(`order must be asc or desc, got "${order}"`);
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const text = search.get(name);
    const value = text === null ? fallback : Number(text);
    if (!Number.isInteger(value) || value < min || value > max)
      throw new Error(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
    return value;
  };
  return {
    sort,
    order,
    filter: (search.get("filter") ?? "").trim().toLowerCase(),
    state: search.get("state") ?? "",
    page: integer("page", 0, 0, Number.MAX_SAFE_INTEGER),
    size: integer("size", 50, 1, MAX_PAGE_SIZE),
  };
}

function duration(trial: FrozenTrial): number | null {
  return trial.datetimeStart === undefined || trial.datetimeComplete === undefined
    ? null
    : (trial.datetimeComplete - trial.datetimeStart) / 1000;
}

function searchable(trial: FrozenTrial): string {
  const params = Object.entries(trial.params).map(([name, value]) => `${name}=${String(value)}`);
  return [`#${trial.number}`, trial.state, ...params, trial.failReason ?? ""].join(" ").toLowerCase();
}

/** Missing values (no value, no duration, no such parameter) sort last in either order. */
function sortKey(trial: FrozenTrial, sort: string): number | string | null {
  if (sort === "number") return trial.number;
  if (sort === "state") return trial.state;
  if (sort === "value") return trial.value ?? null;
  if (sort === "duration") return duration(trial);
  const value = trial.params[sort.slice("param:".length)];
  return value === undefined || value === null ? null : typeof value === "number" ? value : String(value);
}

function compare(a: number | string | null, b: number | string | null): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b));
}

export function tablePage(trials: readonly FrozenTrial[], query: TableQuery): TablePage {
  const matching = trials.filter(
    (trial) => (query.state === "" || trial.state === query.state) && (query.filter === "" || searchable(trial).includes(query.filter)),
  );
  const sign = query.order === "asc" ? 1 : -1;
  const keyed = matching.map((trial) => ({ trial, key: sortKey(trial, query.sort) }));
  keyed.sort((a, b) => {
    if (a.key === null || b.key === null) return a.key === b.key ? a.trial.number - b.trial.number : a.key === null ? 1 : -1;
    return sign * compare(a.key, b.key) || a.trial.number - b.trial.number;
  });
  const pages = Math.max(1, Math.ceil(keyed.length / query.size));
  const page = Math.min(query.page, pages - 1);
  const rows = keyed.slice(page * query.size, (page + 1) * query.size).map(({ trial }) => ({
    number: trial.number,
    state: trial.state,
    value: trial.value ?? null,
    params: trial.params,
    durationSeconds: duration(trial),
    failReason: trial.failReason ?? null,
  }));
  const parameters = [...new Set(trials.flatMap((trial) => Object.keys(trial.params)))];
  return { matching: keyed.length, total: trials.length, page, pages, parameters, rows };
}
