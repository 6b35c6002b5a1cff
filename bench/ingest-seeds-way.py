#!/usr/bin/env python3
"""The seeds' own backfill (seed 000): python3 sqlite3, json.loads per line, executemany of the
mapped columns in one transaction into the seed's table and indexes; no identity hashing, no
provenance, no rejects table. A baseline for the ingest benchmark. Usage: ingest-seeds-way.py DB FILE"""
import json
import sqlite3
import sys

db, path = sys.argv[1], sys.argv[2]
con = sqlite3.connect(db)
con.executescript("""
CREATE TABLE IF NOT EXISTS routing_metrics_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp INTEGER NOT NULL,
    query_id TEXT,
    predicted_model TEXT,
    actual_model TEXT,
    dq_score REAL,
    complexity REAL,
    accuracy INTEGER,
    cost_saved REAL,
    reasoning TEXT
);
CREATE INDEX IF NOT EXISTS idx_routing_metrics_timestamp ON routing_metrics_events(timestamp);
CREATE INDEX IF NOT EXISTS idx_routing_metrics_accuracy ON routing_metrics_events(accuracy);
""")


def rows():
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                d = json.loads(line)
            except ValueError:
                continue
            ts = d.get("timestamp", d.get("ts"))
            if ts is None:
                continue
            correct = d.get("correct", d.get("accuracy"))
            yield (
                int(ts) if isinstance(ts, (int, float)) else ts,
                d.get("query_id") or d.get("query_hash"),
                d.get("predicted_model") or d.get("model"),
                d.get("actual_model"),
                d.get("dq_score", d.get("dq")),
                d.get("complexity"),
                None if correct is None else int(bool(correct)),
                d.get("cost_saved"),
                d.get("reasoning"),
            )


with con:
    con.executemany(
        "INSERT INTO routing_metrics_events (timestamp, query_id, predicted_model, actual_model, dq_score, complexity, accuracy, cost_saved, reasoning) VALUES (?,?,?,?,?,?,?,?,?)",
        rows(),
    )
print(con.execute("SELECT count(*) FROM routing_metrics_events").fetchone()[0])
