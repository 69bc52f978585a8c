"""Shared plumbing for the Python matrix adapters (confluent_kafka.py, kafka_python.py).

Command line: --bootstrap HOST:PORT --prefix P. One JSON line per scenario on stdout:
{"scenario": id, "ok": true|false|null, "detail": "..."}; logs go to stderr. Each scenario gets a
Deadline (its own limit, cut to what is left of the adapter's budget); a watchdog reports the
scenario in hand and the rest as failed and exits 0 if something hangs past the budget.
"""
import argparse
import json
import os
import sys
import threading
import time
import traceback

BUDGET_S = 110.0  # the runner kills an adapter at 120 s

REPETITIVE_200 = (b"sluice compresses this! " * 9)[:200]


def one_megabyte():
    return bytes(((i * 31 + (i >> 8)) & 0xFF) for i in range(1_000_000))


class Unsupported(Exception):
    """The client cannot do this scenario (reported as ok: null)."""


class Deadline:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def left(self, at_most=None):
        left = max(0.0, self.end - time.monotonic())
        return left if at_most is None else min(left, at_most)

    def passed(self):
        return time.monotonic() >= self.end

    def check(self, what):
        if self.passed():
            raise TimeoutError(what)


def wait_for(deadline, cond, what, every=0.1):
    while True:
        v = cond()
        if v:
            return v
        if deadline.passed():
            raise TimeoutError(what() if callable(what) else what)
        time.sleep(every)


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--prefix", required=True)
    a = p.parse_args()
    return a.bootstrap, a.prefix


def per_key_order(records):
    """records: [(partition, offset, key, value)] as read in consume-from-beginning."""
    if not records:
        raise RuntimeError("nothing was read in consume-from-beginning")
    by_key = {}
    for r in records:
        by_key.setdefault(r[2], []).append(r)
    for key, rs in by_key.items():
        parts = {r[0] for r in rs}
        if len(parts) != 1:
            raise RuntimeError("key %s on partitions %s" % (key, sorted(parts)))
        rs.sort(key=lambda r: r[1])
        for a, b in zip(rs, rs[1:]):
            if int(b[3]) <= int(a[3]):
                raise RuntimeError("key %s: value %s at offset %d after %s" % (key, b[3], b[1], a[3]))
    return "%d keys over %d partitions, each in order" % (len(by_key), len({r[0] for r in records}))


_lock = threading.Lock()
_printed = set()


def emit(scenario, ok, detail):
    with _lock:
        if scenario in _printed:
            return
        _printed.add(scenario)
        sys.stdout.write(json.dumps({"scenario": scenario, "ok": ok, "detail": detail}) + "\n")
        sys.stdout.flush()


def _short(e):
    s = "%s: %s" % (type(e).__name__, e)
    return " ".join(s.split())[:300]


def run(client, scenarios, default_timeout=25.0):
    """scenarios: [(id, fn(deadline) -> detail) or (id, fn, timeout_s)], in order."""
    start = time.monotonic()
    ids = [s[0] for s in scenarios]

    def watchdog():
        for i in ids:
            emit(i, False, "not run: the adapter hung past its %d s budget" % BUDGET_S)
        os._exit(0)

    dog = threading.Timer(BUDGET_S + 4, watchdog)
    dog.daemon = True
    dog.start()
    for s in scenarios:
        sid, fn = s[0], s[1]
        limit = s[2] if len(s) > 2 else default_timeout
        left = BUDGET_S - (time.monotonic() - start)
        if left < 1:
            emit(sid, False, "not run: the adapter used up its time budget")
            continue
        try:
            detail = fn(Deadline(min(limit, left)))
            emit(sid, True, str(detail or ""))
        except Unsupported as e:
            emit(sid, None, "not supported by %s: %s" % (client, e))
        except BaseException as e:  # noqa: BLE001 - every failure is a result, never a crash
            traceback.print_exc(file=sys.stderr)
            emit(sid, False, _short(e))
    dog.cancel()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # client threads must not keep the process alive
