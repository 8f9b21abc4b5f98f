"""Event ingestion over MQTT, for `cargo xtask bench-serve --mqtt`.

Publishes batches of outage events (QoS 1) on arsenal/<organization>/events for a number of
seconds, at most `--window` batches awaiting their receipt at a time, then waits for the
receipts of every batch published. Prints one JSON line: events published, events the receipts
acknowledged as accepted, ids acknowledged more than once, batches refused, and the seconds from
the first publish to the last receipt.
"""

import argparse
import json
import threading
import time

import paho.mqtt.client as mqtt


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1883)
    parser.add_argument("--organization", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--sites", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--window", type=int, default=8)
    parser.add_argument("--run", required=True, help="makes the event ids unique to this run")
    args = parser.parse_args()

    lock = threading.Condition()
    acknowledged = set()
    repeated = 0
    refused = []
    receipts = 0

    def on_message(_client, _userdata, message):
        nonlocal repeated, receipts
        receipt = json.loads(message.payload)
        with lock:
            receipts += 1
            if "error" in receipt:
                refused.append(receipt["error"]["message"])
            for event_id in receipt.get("accepted", []):
                if event_id in acknowledged:
                    repeated += 1
                acknowledged.add(event_id)
            lock.notify_all()

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-{args.run}")
    client.on_message = on_message
    client.connect(args.host, args.port)
    client.subscribe(f"arsenal/{args.organization}/receipts", qos=1)
    client.loop_start()
    time.sleep(0.5)

    topic = f"arsenal/{args.organization}/events"
    published = 0
    batch = 0
    started = time.monotonic()
    deadline = started + args.seconds
    while time.monotonic() < deadline:
        with lock:
            while batch - receipts >= args.window:
                lock.wait()
        events = [
            {
                "kind": "outage_start",
                "id": f"m{args.run}-b{batch}-e{e}",
                "site": f"site-{(batch * args.batch + e) % args.sites + 1:06d}",
            }
            for e in range(args.batch)
        ]
        client.publish(topic, json.dumps({"key": args.key, "events": events}), qos=1)
        published += len(events)
        batch += 1
    with lock:
        lock.wait_for(lambda: receipts >= batch, timeout=120)
    elapsed = time.monotonic() - started
    client.loop_stop()
    client.disconnect()
    print(
        json.dumps(
            {
                "published": published,
                "acknowledged": len(acknowledged),
                "repeated": repeated,
                "refused": refused[:3],
                "batches": batch,
                "receipts": receipts,
                "seconds": elapsed,
            }
        )
    )


if __name__ == "__main__":
    main()
