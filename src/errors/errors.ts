/**
 * The kinds of failure hyperforce reports. Each message is one line that names what is wrong (the
 * file, the line, the field, what was expected where that is known); the kind says whose problem it
 * is, so a caller (the command line above all) can decide by class, not by where the error happened:
 * - UsageError: a bad flag, option or argument; the caller asked for something that cannot be done.
 * - ConfigError: the content of an input is wrong: a config file, a search space, an objective spec,
 *   a data file (CSV, dataset, table).
 * - StorageError: the study's storage failed: file I/O, a lock, a corrupt or incompatible journal.
 * - ObjectiveError: the objective cannot be loaded or started.
 * Anything else thrown is a fault of hyperforce or of the system it runs on.
 */

/** The base of every error hyperforce raises on purpose. */
export class HyperforceError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    // The subclass's own name (DatasetError, CsvError, ...), as the plain Error classes set by hand.
    this.name = new.target.name;
  }
}

/** A bad flag, option or argument: the message says what to change. */
export class UsageError extends HyperforceError {}

/** A config file, search space, objective spec or data file whose content is wrong. */
export class ConfigError extends HyperforceError {}

/** The storage failed: file I/O, a lock, a corrupt or incompatible journal. */
export class StorageError extends HyperforceError {}

/** The objective cannot be loaded or started (a module that is missing or fails to import). */
export class ObjectiveError extends HyperforceError {}

/**
 * The reason a file system call failed, for the end of a message: "ENOTDIR: not a directory, mkdir
 * '/a/b'" as Node words it, or the text of whatever else was thrown.
 */
export function ioReason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
