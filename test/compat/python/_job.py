"""Shared plumbing for the compat client scripts (run with /usr/bin/python3).

A job is one JSON object, read from argv[1] (inline JSON, or @path) or from stdin:
  bootstrap   "127.0.0.1:9092"                     required
  topic       "name"                               required
  messages    [{key, value, headers, partition}]   produce: key/value base64 or null,
                                                   headers [[name, base64 value or null], ...]
  count       int                                  consume: messages to read (default: 1)
  group       "id"                                 consume: join this group (else assign, no group)
  compression "none"|"gzip"|"snappy"|"lz4"|"zstd"  produce (default none)
  acks        0 | 1 | -1 | "all"                   produce (default all)
  timeoutMs   int                                  whole job (default 30000)
  config      {name: value}                        extra client configuration, passed through

The result is one JSON object on stdout:
  {"ok": true|false, "client": ..., "results": [{partition, offset, key, value, headers, timestamp}],
   "error": "..." (when not ok)}
Bytes are base64 in both directions, so any key, value or header value survives. Exit code 0 iff ok.
"""
import base64
import json
import sys
import time
import traceback


def read_job():
    if len(sys.argv) > 1 and sys.argv[1] != "-":
        arg = sys.argv[1]
        if arg.startswith("@"):
            with open(arg[1:], "r", encoding="utf-8") as f:
                return json.load(f)
        return json.loads(arg)
    return json.load(sys.stdin)


def b64d(s):
    return None if s is None else base64.b64decode(s)


def b64e(b):
    if b is None:
        return None
    if isinstance(b, str):
        b = b.encode("utf-8")
    return base64.b64encode(bytes(b)).decode("ascii")


def job_headers(m):
    return [(h[0], b64d(h[1])) for h in (m.get("headers") or [])]


def out_headers(headers):
    return [[k, b64e(v)] for (k, v) in (headers or [])]


def compression(job):
    c = job.get("compression") or "none"
    if c not in ("none", "gzip", "snappy", "lz4", "zstd"):
        raise ValueError("unknown compression %r" % c)
    return c


def acks(job):
    a = job.get("acks", "all")
    return "all" if a in ("all", -1, "-1") else int(a)


class Deadline:
    def __init__(self, job):
        self.end = time.monotonic() + job.get("timeoutMs", 30000) / 1000.0

    def left(self):
        return max(0.0, self.end - time.monotonic())

    def passed(self):
        return time.monotonic() >= self.end


def finish(client, results, error=None):
    out = {"ok": error is None, "client": client, "results": results}
    if error is not None:
        out["error"] = error
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
    sys.exit(0 if error is None else 1)


def run(client, body):
    """Runs body(job, results) and prints the result, also when it fails half-way."""
    results = []
    try:
        job = read_job()
        body(job, results)
    except SystemExit:
        raise
    except BaseException as e:  # report, never a bare traceback on stdout
        traceback.print_exc(file=sys.stderr)
        finish(client, results, "%s: %s" % (type(e).__name__, e))
    finish(client, results)
