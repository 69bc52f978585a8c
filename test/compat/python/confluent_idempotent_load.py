"""An idempotent confluent-kafka producer at a steady rate, for kill -9 trials.

argv: bootstrap topic rate_per_second seconds prefix
Sends values "<prefix>-<n>" (n = 0, 1, ...) with enable.idempotence=true and acks=all for
`seconds`, then flushes (waiting out a broker restart) and prints one JSON object:
  {"sent": n, "acked": n, "failed": n, "errors": {"name": count}}
Acknowledged values are written one per line to <prefix>.acked in the cwd.
"""
import json
import sys
import time

from confluent_kafka import Producer


def main():
    bootstrap, topic, rate, seconds, prefix = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    producer = Producer({
        "bootstrap.servers": bootstrap,
        "enable.idempotence": True,
        "acks": "all",
        "linger.ms": 5,
        "message.timeout.ms": 120000,
        "reconnect.backoff.ms": 10,
        "reconnect.backoff.max.ms": 100,
    })
    acked = []
    errors = {}

    def report(err, msg):
        if err is None:
            acked.append(msg.value())
        else:
            errors[err.name()] = errors.get(err.name(), 0) + 1

    sent = 0
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        due = int((time.monotonic() - started) * rate)
        while sent < due:
            try:
                producer.produce(topic, value=("%s-%d" % (prefix, sent)).encode(), on_delivery=report)
                sent += 1
            except BufferError:
                producer.poll(0.01)
        producer.poll(0.001)
    producer.flush(120)
    with open(prefix + ".acked", "wb") as f:
        f.write(b"\n".join(acked))
    print(json.dumps({"sent": sent, "acked": len(acked), "failed": sum(errors.values()), "errors": errors}))


if __name__ == "__main__":
    main()
