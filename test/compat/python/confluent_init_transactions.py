"""Calls init_transactions() on a confluent-kafka (librdkafka) transactional producer.

argv: bootstrap transactional_id timeout_seconds
Prints one JSON object: {"ok": bool, "seconds": float, "error": str, "fatal": bool}.
Used to check that a broker without transactions makes the client fail at once, saying why.
"""
import json
import sys
import time

from confluent_kafka import KafkaException, Producer


def main():
    bootstrap, txn_id, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
    producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": txn_id})
    started = time.monotonic()
    result = {"ok": True, "error": "", "fatal": False}
    try:
        producer.init_transactions(timeout)
    except KafkaException as e:
        err = e.args[0]
        result = {"ok": False, "error": err.str(), "fatal": err.fatal()}
    result["seconds"] = round(time.monotonic() - started, 3)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
