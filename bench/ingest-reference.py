#!/usr/bin/env python3
"""Reference importer for the ingest benchmark: the same routing-metrics mapping as the
TypeScript engine (aliases, timestamp forms, booleans, accuracy derivation, extra JSON,
a 53-bit content hash + occurrence number), into the same table and indexes, with
executemany in one transaction. Usage: ingest-reference.py DB FILE"""
import datetime
import hashlib
import json
import sqlite3
import sys

COLUMNS = [
    ("timestamp", ("timestamp", "ts"), "ts"),
    ("query_id", ("query_id", "id", "query_hash"), "text"),
    ("predicted_model", ("predicted_model", "predicted", "model"), "text"),
    ("actual_model", ("actual_model", "actual"), "text"),
    ("dq_score", ("dq_score", "dq", "dqScore"), "real"),
    ("complexity", ("complexity",), "real"),
    ("accuracy", ("accuracy", "correct"), "bool"),
    ("cost_saved", ("cost_saved", "savings"), "real"),
    ("latency_ms", ("latency_ms",), "real"),
    ("reasoning", ("reasoning",), "text"),
]
NAMES = [c[0] for c in COLUMNS]


def ts(v):
    if isinstance(v, bool):
        return None
    if isinstance(v, str):
        try:
            v = float(v)
        except ValueError:
            try:
                d = datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
            except ValueError:
                return None
            if d.tzinfo is None:
                d = d.replace(tzinfo=datetime.timezone.utc)
            return int(d.timestamp() // 1)
    n = float(v)
    return int(n // 1000) if abs(n) >= 1e11 else int(n // 1)


def boolean(v):
    if v is True or v == 1:
        return 1
    if v is False or v == 0:
        return 0
    if isinstance(v, str) and v.lower() in ("true", "false"):
        return 1 if v.lower() == "true" else 0
    return None


def convert(v, kind):
    if kind == "ts":
        return ts(v)
    if kind == "bool":
        return boolean(v)
    if kind == "real":
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
    return v if isinstance(v, str) else json.dumps(v, sort_keys=True, separators=(",", ":"))


def rows(path):
    seen = {}
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            line = raw.decode("utf-8", "replace").strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if not isinstance(rec, dict):
                continue
            row, used = {}, set()
            for name, aliases, kind in COLUMNS:
                row[name] = None
                for a in aliases:
                    if a in rec and rec[a] is not None:
                        row[name] = convert(rec[a], kind)
                        used.add(a)
                        break
            if row["timestamp"] is None:
                continue
            if row["accuracy"] is None and row["predicted_model"] and row["actual_model"]:
                row["accuracy"] = 1 if row["predicted_model"] == row["actual_model"] else 0
            extra = {k: v for k, v in rec.items() if k not in used} or None
            canon = json.dumps([{k: v for k, v in row.items() if v is not None}, extra], sort_keys=True, separators=(",", ":"))
            h = int.from_bytes(hashlib.blake2b(canon.encode(), digest_size=8).digest(), "big") & ((1 << 53) - 1)
            seq = seen.get(h, 0) + 1
            seen[h] = seq
            extra_text = json.dumps(extra, sort_keys=True, separators=(",", ":")) if extra else None
            yield (*[row[c] for c in NAMES], 1, n, extra_text, 1, h, seq)


def main():
    db_path, src = sys.argv[1], sys.argv[2]
    con = sqlite3.connect(db_path, isolation_level=None)
    con.executescript(
        """
        CREATE TABLE IF NOT EXISTS routing_metrics_events (
          id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER NOT NULL, query_id TEXT, predicted_model TEXT,
          actual_model TEXT, dq_score REAL, complexity REAL, accuracy INTEGER, cost_saved REAL, latency_ms REAL,
          reasoning TEXT, source_id INTEGER, source_line INTEGER, extra TEXT, stream_id INTEGER NOT NULL DEFAULT 0,
          row_hash INTEGER NOT NULL, row_seq INTEGER NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS ux_rm_identity ON routing_metrics_events(stream_id, row_hash, row_seq);
        CREATE INDEX IF NOT EXISTS idx_rm_timestamp ON routing_metrics_events(timestamp);
        CREATE INDEX IF NOT EXISTS idx_rm_accuracy ON routing_metrics_events(accuracy);
        """
    )
    cols = NAMES + ["source_id", "source_line", "extra", "stream_id", "row_hash", "row_seq"]
    con.execute("BEGIN")
    con.executemany(
        "INSERT INTO routing_metrics_events (%s) VALUES (%s)" % (", ".join(cols), ", ".join("?" * len(cols))), rows(src)
    )
    con.execute("COMMIT")
    print(con.execute("SELECT count(*) FROM routing_metrics_events").fetchone()[0])
    con.close()


if __name__ == "__main__":
    main()
