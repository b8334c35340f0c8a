#!/usr/bin/env python3
"""The VM has no JSON Schema validator: a suite prints its sessions' NDJSON
as "AL-NDJSON NAME LINE" on the console, and tests/vm/run.sh checks every
such line here against docs/event-schema.json, one ok/not ok per NAME.
    schema-lines.py SCHEMA CONSOLE_LOG        (exit 1 when any line fails)"""
import json
import sys

import jsonschema

validator = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
lines = {}
for raw in open(sys.argv[2], encoding="utf-8", errors="surrogateescape"):
    raw = raw.rstrip("\r\n")
    if not raw.startswith("AL-NDJSON "):
        continue
    parts = raw.split(" ", 2)
    if len(parts) == 3:
        lines.setdefault(parts[1], []).append(parts[2])
bad = 0
for name, text in sorted(lines.items()):
    errors = []
    for no, line in enumerate(text, 1):
        try:
            event = json.loads(line)
        except ValueError as e:
            errors.append("line %d: not JSON: %s" % (no, e))
            continue
        errors += ["line %d: %s" % (no, e.message[:200]) for e in validator.iter_errors(event)]
    if errors:
        bad += 1
        print("not ok - the VM's %s log validates against the schema: %s" % (name, "; ".join(errors[:3])))
    else:
        print("ok - the VM's %s log validates against the schema (%d lines)" % (name, len(text)))
sys.exit(1 if bad else 0)
