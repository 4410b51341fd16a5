/**
 * Optuna's RDB schema in PostgreSQL, as Optuna 3.1 creates it (optuna/storages/_rdb/models.py through
 * SQLAlchemy 1.4: the same enum types, tables, columns, constraint and index names), stamped with the
 * versions Optuna 3.1 accepts: version_info.schema_version 12 and alembic_version v3.0.0.d. A database
 * upgraded by a later Optuna (v3.2.0.a only adds an index on trials.study_id) is read and written too.
 */
import { StorageError } from "../../errors/errors.ts";
import type { BlockingClient } from "../blocking-client.ts";

/** Optuna 3.1's head revision, written into a new schema. */
export const ALEMBIC_REVISION = "v3.0.0.d";
/** The revisions whose tables this storage reads and writes. */
export const ACCEPTED_REVISIONS = ["v3.0.0.d", "v3.2.0.a"];
/** models.SCHEMA_VERSION, frozen by Optuna since alembic took over. */
export const SCHEMA_VERSION = 12;
/** The Optuna version whose schema this is (Optuna shows it in its own version messages). */
export const LIBRARY_VERSION = "3.1.0";

const attributeTable = (table: string, owner: "study" | "trial", idColumn: string) => `
CREATE TABLE ${table} (
  ${idColumn} SERIAL NOT NULL,
  ${owner}_id INTEGER,
  key VARCHAR(512),
  value_json TEXT,
  PRIMARY KEY (${idColumn}),
  UNIQUE (${owner}_id, key),
  FOREIGN KEY(${owner}_id) REFERENCES ${owner === "study" ? "studies" : "trials"} (${owner}_id)
);`;

/** The statements of SQLAlchemy's create_all for Optuna 3.1's models on PostgreSQL, in its order. */
export const CREATE_SCHEMA = `
CREATE TYPE studydirection AS ENUM ('NOT_SET', 'MINIMIZE', 'MAXIMIZE');
CREATE TYPE trialstate AS ENUM ('RUNNING', 'COMPLETE', 'PRUNED', 'FAIL', 'WAITING');
CREATE TYPE trialvaluetype AS ENUM ('FINITE', 'INF_POS', 'INF_NEG');
CREATE TYPE trialintermediatevaluetype AS ENUM ('FINITE', 'INF_POS', 'INF_NEG', 'NAN');
CREATE TABLE studies (
  study_id SERIAL NOT NULL,
  study_name VARCHAR(512) NOT NULL,
  PRIMARY KEY (study_id)
);
CREATE UNIQUE INDEX ix_studies_study_name ON studies (study_name);
CREATE TABLE version_info (
  version_info_id INTEGER NOT NULL,
  schema_version INTEGER,
  library_version VARCHAR(256),
  PRIMARY KEY (version_info_id),
  CHECK (version_info_id=1)
);
CREATE TABLE study_directions (
  study_direction_id SERIAL NOT NULL,
  direction studydirection NOT NULL,
  study_id INTEGER NOT NULL,
  objective INTEGER NOT NULL,
  PRIMARY KEY (study_direction_id),
  UNIQUE (study_id, objective),
  FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
${attributeTable("study_user_attributes", "study", "study_user_attribute_id")}
${attributeTable("study_system_attributes", "study", "study_system_attribute_id")}
CREATE TABLE trials (
  trial_id SERIAL NOT NULL,
  number INTEGER,
  study_id INTEGER,
  state trialstate NOT NULL,
  datetime_start TIMESTAMP WITHOUT TIME ZONE,
  datetime_complete TIMESTAMP WITHOUT TIME ZONE,
  PRIMARY KEY (trial_id),
  FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
${attributeTable("trial_user_attributes", "trial", "trial_user_attribute_id")}
${attributeTable("trial_system_attributes", "trial", "trial_system_attribute_id")}
CREATE TABLE trial_params (
  param_id SERIAL NOT NULL,
  trial_id INTEGER,
  param_name VARCHAR(512),
  param_value FLOAT(53),
  distribution_json TEXT,
  PRIMARY KEY (param_id),
  UNIQUE (trial_id, param_name),
  FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
CREATE TABLE trial_values (
  trial_value_id SERIAL NOT NULL,
  trial_id INTEGER NOT NULL,
  objective INTEGER NOT NULL,
  value FLOAT(53),
  value_type trialvaluetype NOT NULL,
  PRIMARY KEY (trial_value_id),
  UNIQUE (trial_id, objective),
  FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
CREATE TABLE trial_intermediate_values (
  trial_intermediate_value_id SERIAL NOT NULL,
  trial_id INTEGER NOT NULL,
  step INTEGER NOT NULL,
  intermediate_value FLOAT(53),
  intermediate_value_type trialintermediatevaluetype NOT NULL,
  PRIMARY KEY (trial_intermediate_value_id),
  UNIQUE (trial_id, step),
  FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
CREATE TABLE trial_heartbeats (
  trial_heartbeat_id SERIAL NOT NULL,
  trial_id INTEGER NOT NULL,
  heartbeat TIMESTAMP WITHOUT TIME ZONE NOT NULL,
  PRIMARY KEY (trial_heartbeat_id),
  UNIQUE (trial_id),
  FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
INSERT INTO version_info (version_info_id, schema_version, library_version) VALUES (1, ${SCHEMA_VERSION}, '${LIBRARY_VERSION}');
CREATE TABLE alembic_version (
  version_num VARCHAR(32) NOT NULL,
  CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version (version_num) VALUES ('${ALEMBIC_REVISION}');`;

/** Any key: one number that every hyperforce process takes while it creates the schema. */
const SCHEMA_LOCK = 0x6879_7065;

/**
 * Creates Optuna's schema in an empty database (under an advisory lock, so that processes starting
 * together create it once), or checks the revision of an existing one.
 */
export function ensureSchema(client: BlockingClient, where: string): void {
  if (revisionOf(client, where) !== undefined) return;
  client.call("query", "BEGIN");
  try {
    client.call("query", "SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
    if (revisionOf(client, where) === undefined) client.call("query", CREATE_SCHEMA);
    client.call("query", "COMMIT");
  } catch (error) {
    client.call("query", "ROLLBACK");
    throw error;
  }
}

/** The schema's alembic revision; undefined when the database holds none of Optuna's tables. */
function revisionOf(client: BlockingClient, where: string): string | undefined {
  const tables = client.call<{ name: string }[]>(
    "query",
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ANY($1)",
    [["studies", "trials", "alembic_version", "version_info"]],
  );
  if (tables.length === 0) return undefined;
  if (tables.length < 4) {
    const found = tables.map((t) => t.name).sort();
    throw new StorageError(`${where} holds only some of Optuna's tables (${found.join(", ")}): it is not an Optuna storage`);
  }
  const rows = client.call<{ version_num: string }[]>("query", "SELECT version_num FROM alembic_version");
  const revision = rows[0]?.version_num;
  if (revision === undefined || !ACCEPTED_REVISIONS.includes(revision)) {
    throw new StorageError(
      `${where} holds Optuna's schema at revision ${JSON.stringify(revision ?? null)}; hyperforce reads and writes ` +
        `${ACCEPTED_REVISIONS.join(" and ")} (Optuna 3.0 to 5): run \`optuna storage upgrade\` on an older one`,
    );
  }
  return revision;
}
