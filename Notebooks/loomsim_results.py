"""Reading a loomsim results.sqlite (schema: Sources/Reporting/RESULTS-SCHEMA.md) into pandas.

Shared by the notebooks in this folder. Every function takes an open sqlite3 connection and
returns a DataFrame; nothing here writes to the database.
"""
import os
import re
import sqlite3
from pathlib import Path

import pandas as pd


def database_path(default):
    """The results database: $LOOMSIM_RESULTS, or `default` (relative to this folder)."""
    path = Path(os.environ.get("LOOMSIM_RESULTS", default))
    if not path.is_absolute() and "LOOMSIM_RESULTS" not in os.environ:
        path = Path(__file__).resolve().parent / path
    if not path.exists():
        raise FileNotFoundError(
            f"{path}: no results database here. Run a sweep or a scenario first "
            "(see Notebooks/README.md) or set LOOMSIM_RESULTS to a results.sqlite.")
    return path


def figures_dir():
    """Where figures go: $LOOMSIM_FIGURES, or figures/ next to the notebooks; created if missing."""
    path = Path(os.environ.get("LOOMSIM_FIGURES", Path(__file__).resolve().parent / "figures"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def connect(path):
    """A read-only connection (the notebooks never change a results file)."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def quantity(text):
    """A parameter value as a number: '24' -> 24.0, '90s' -> 90.0, '1h30m' -> 5400.0 (seconds),
    '80%' -> 0.8; None when it is not a number (a name, a mapping)."""
    text = str(text).strip()
    try:
        return float(text)
    except ValueError:
        pass
    if text.endswith("%"):
        try:
            return float(text[:-1]) / 100
        except ValueError:
            return None
    parts = re.findall(r"([0-9]*\.?[0-9]+)\s*(ns|us|µs|ms|s|m|h|d)", text)
    if parts and "".join(n + u for n, u in parts) == text.replace(" ", ""):
        return sum(float(n) * _UNITS[u] for n, u in parts)
    return None


def runs(con):
    """One row per complete run: run_id, point, verdict, then one column per parameter (text)."""
    frame = pd.read_sql_query(
        "SELECT run_id, point, scenario, verdict FROM runs WHERE complete = 1 ORDER BY run_id", con)
    params = pd.read_sql_query("SELECT run_id, key, value FROM parameters ORDER BY run_id, seq", con)
    if not params.empty:
        wide = params.pivot(index="run_id", columns="key", values="value")
        frame = frame.merge(wide, left_on="run_id", right_index=True, how="left")
    return frame


def swept_parameters(con):
    """Parameters that take more than one value across runs, in the order they were declared."""
    params = pd.read_sql_query("SELECT key, value, seq FROM parameters ORDER BY seq", con)
    varying = params.groupby("key", sort=False)["value"].nunique()
    order = params.groupby("key")["seq"].min().sort_values().index
    return [k for k in order if varying.get(k, 0) > 1]


def short_name(key):
    """The last segment of a parameter's key path ('...gpus.rtx-3060' -> 'rtx-3060')."""
    return key.rsplit(".", 1)[-1]


def assertions(con):
    """SLO rows: run_id, name, value (the mean over replications), ci_low, ci_high, unit, passed."""
    return pd.read_sql_query(
        "SELECT run_id, seq, name, metric, threshold, value, unit, passed, mean, ci_low, ci_high "
        "FROM assertions ORDER BY run_id, seq", con)


def measured_seconds(con):
    """Seconds after the warm-up, per (run_id, replication)."""
    return pd.read_sql_query(
        "SELECT run_id, replication, simulated_seconds - warm_up_end_seconds AS measured "
        "FROM replications WHERE complete = 1", con)


def counter_rates(con, metric):
    """A counter's total per second of measured time (all labels summed), mean over replications."""
    totals = pd.read_sql_query(
        "SELECT run_id, replication, SUM(total) AS total FROM counters WHERE metric = ? "
        "GROUP BY run_id, replication", con, params=(metric,))
    frame = totals.merge(measured_seconds(con), on=["run_id", "replication"])
    frame["rate"] = frame["total"] / frame["measured"]
    return frame.groupby("run_id")["rate"].mean()


def final_values(con, key):
    """The last sample of series `key` per run, mean over replications (e.g. cost.total)."""
    frame = pd.read_sql_query(
        "SELECT s.run_id, s.replication, ts.value FROM series s "
        "JOIN time_series ts ON ts.series_id = s.series_id "
        "WHERE s.key = ? AND ts.sample = (SELECT MAX(sample) FROM time_series WHERE series_id = s.series_id)",
        con, params=(key,))
    return frame.groupby("run_id")["value"].mean()


def plan_evaluations(con):
    """A plan's rows (`loomsim plan`, table plan_evaluations): run_id, seq, load, configuration,
    feasible, nothing_lost, dollars_per_hour, dollars_per_run, cheapest_at_load, recommended.
    Empty when the database holds no plan (a sweep, a single run, or a file older than the table)."""
    has_table = con.execute(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'plan_evaluations'").fetchone()[0]
    if not has_table:
        return pd.DataFrame(columns=["run_id", "seq", "load", "configuration", "feasible", "nothing_lost",
                                     "dollars_per_hour", "dollars_per_run", "cheapest_at_load", "recommended"])
    return pd.read_sql_query("SELECT * FROM plan_evaluations ORDER BY seq", con)


def series_like(con, run_id, replication, patterns):
    """Long table (key, metric, labels, unit, t_seconds, value) of the series whose metric matches
    any SQL LIKE pattern, in key then time order."""
    if not patterns:
        return pd.DataFrame(columns=["key", "metric", "labels", "unit", "t_seconds", "value"])
    where = " OR ".join("metric LIKE ?" for _ in patterns)
    return pd.read_sql_query(
        "SELECT key, metric, labels, unit, t_seconds, value FROM time_series_long "
        f"WHERE run_id = ? AND replication = ? AND ({where}) ORDER BY key, sample",
        con, params=(run_id, replication, *patterns))


def first_run(con):
    """$LOOMSIM_RUN_ID, or the first complete run in the file."""
    if "LOOMSIM_RUN_ID" in os.environ:
        return int(os.environ["LOOMSIM_RUN_ID"])
    row = con.execute("SELECT MIN(run_id) FROM runs WHERE complete = 1").fetchone()
    if row[0] is None:
        raise ValueError("the database holds no complete run")
    return int(row[0])
