"""Cross-check helper for test/storage/optuna.test.ts, run with Debian's /usr/bin/python3 and its
python3-optuna package (Optuna 3.1 or later).

  optuna_load.py load <storage>   print every study and trial Optuna reads from the storage, as JSON
  optuna_load.py write <storage>  write a study with Optuna itself, then print it as `load` does

<storage> is a journal file path, a Redis URL (redis://host:port/db?prefix=p: Optuna's
JournalRedisStorage with that prefix) or a PostgreSQL URL (postgresql://..., Optuna's RDBStorage).
  optuna_load.py append <journal> <study> <trials>
                                  add trials to a study, with Optuna's default (symlink) file lock;
                                  prints "ready" and starts when stdin is closed
"""
import json
import sys
import time
import warnings

import optuna

warnings.simplefilter("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)


def open_storage(path, default_lock=False):
    storages = optuna.storages
    if path.startswith("postgresql://"):
        return storages.RDBStorage(path)
    if path.startswith("redis://"):
        from urllib.parse import parse_qs, urlsplit, urlunsplit

        parts = urlsplit(path)
        prefix = parse_qs(parts.query).get("prefix", [""])[0]
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        journal = getattr(storages, "journal", None)
        backend_class = getattr(journal, "JournalRedisBackend", None) if journal else None
        backend_class = backend_class or storages.JournalRedisStorage
        return storages.JournalStorage(backend_class(url, prefix=prefix))
    journal = getattr(storages, "journal", None)
    backend_class = getattr(journal, "JournalFileBackend", None) if journal else None
    lock_class = getattr(journal, "JournalFileOpenLock", None) if journal else None
    if backend_class is None:  # Optuna 3.x names
        backend_class = storages.JournalFileStorage
        lock_class = storages.JournalFileOpenLock
    lock = None if default_lock else lock_class(path)
    return storages.JournalStorage(backend_class(path, lock_obj=lock))


def iso(moment):
    return None if moment is None else moment.isoformat(timespec="microseconds")


def dump(path):
    storage = open_storage(path)
    studies = []
    for study in storage.get_all_studies():
        trials = []
        for t in storage.get_all_trials(study._study_id):
            trials.append(
                {
                    "number": t.number,
                    "state": int(t.state),
                    "values": t.values,
                    "params": t.params,
                    "distributions": {
                        k: json.loads(optuna.distributions.distribution_to_json(d))
                        for k, d in t.distributions.items()
                    },
                    "intermediate_values": {str(k): v for k, v in t.intermediate_values.items()},
                    "user_attrs": t.user_attrs,
                    "system_attrs": t.system_attrs,
                    "datetime_start": iso(t.datetime_start),
                    "datetime_complete": iso(t.datetime_complete),
                }
            )
        studies.append(
            {
                "study_id": study._study_id,
                "name": study.study_name,
                "directions": [int(d) for d in study.directions],
                "user_attrs": study.user_attrs,
                "system_attrs": study.system_attrs,
                "trials": trials,
            }
        )
    print(json.dumps({"optuna_version": optuna.__version__, "studies": studies}))


def write(path):
    storage = open_storage(path)
    other = optuna.create_study(study_name="optuna-other", storage=storage, direction="maximize")
    other.optimize(lambda trial: trial.suggest_int("n", 1, 9), n_trials=2)

    study = optuna.create_study(
        study_name="optuna-written", storage=storage, sampler=optuna.samplers.RandomSampler(seed=3)
    )
    study.set_user_attr("dataset", {"name": "wine", "rows": 1599})
    study.set_system_attr("seed", 3)

    def objective(trial):
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        dropout = trial.suggest_float("dropout", 0.0, 0.5, step=0.1)
        units = trial.suggest_int("units", 16, 128, step=16)
        layers = trial.suggest_int("layers", 1, 8, log=True)
        act = trial.suggest_categorical("act", ["relu", "tanh", None, 2, True])
        trial.set_user_attr("note", "épreuve")
        for step in range(3):
            trial.report(lr * (3 - step) + dropout, step)
        if trial.number == 2:
            raise optuna.TrialPruned()
        if trial.number == 3:
            raise ValueError("broken configuration")
        return lr + dropout + units / 1000 + layers / 100 + (0.5 if act == "tanh" else 0.0)

    study.optimize(objective, n_trials=5, catch=(ValueError,))
    running = study.ask()
    running.suggest_float("lr", 1e-5, 1e-1, log=True)
    running.report(float("nan"), 0)
    study.enqueue_trial({"lr": 0.01, "units": 32})
    dump(path)


def append(path, study_name, trials):
    study = optuna.load_study(
        study_name=study_name,
        storage=open_storage(path, default_lock=True),
        sampler=optuna.samplers.RandomSampler(seed=1),
    )
    print("ready", flush=True)
    sys.stdin.read()
    for i in range(int(trials)):
        trial = study.ask({"i": optuna.distributions.IntDistribution(0, 1000)})
        trial.set_system_attr("writer", "optuna")
        study.tell(trial, trial.params["i"])
        time.sleep(0.02)  # lets the other writer take the lock between trials, however idle the machine


if __name__ == "__main__":
    {"load": dump, "write": write, "append": append}[sys.argv[1]](*sys.argv[2:])
