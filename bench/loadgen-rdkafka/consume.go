package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

type consumeResult struct {
	Throughput
	Complete   bool   `json:"complete"`
	Target     int64  `json:"target"`
	Partitions int    `json:"partitions"`
	Errors     int64  `json:"errors"`
	FirstError string `json:"firstError,omitempty"`
}

// consumer is a librdkafka consumer at its defaults but one, used without a group: partitions
// are assigned by hand, nothing is committed (the group.id is never used to join).
//
// The one: fetch.queue.backoff.ms. When a broker serves faster than the application polls,
// librdkafka's prefetch queue fills (100,000 messages or 64 MiB), and at its default it then
// stops fetching for a whole second. A run of a few hundred thousand records holds zero to
// three such pauses, so the figure measured the pauses (a faster broker fills the queue
// sooner), not the broker. 10 ms keeps the queue topped up without a busy loop.
func consumer(brokers string) (*kafka.Consumer, error) {
	return kafka.NewConsumer(&kafka.ConfigMap{
		"bootstrap.servers":      brokers,
		"group.id":               fmt.Sprintf("loadgen-rdkafka-%d", time.Now().UnixNano()),
		"enable.auto.commit":     false,
		"fetch.queue.backoff.ms": 10,
	})
}

// runConsume reads N records from the start of every partition of the topic.
func runConsume(args []string) (any, error) {
	fs := flag.NewFlagSet("consume", flag.ContinueOnError)
	var c common
	c.register(fs)
	records := fs.Int64("records", 0, "records to read (the topic must hold at least this many)")
	if err := parse(fs, &c, args); err != nil {
		return nil, err
	}
	if *records <= 0 {
		return nil, fmt.Errorf("--records must be positive")
	}
	cons, err := consumer(c.brokers)
	if err != nil {
		return nil, err
	}
	defer cons.Close()
	ids, err := partitions(cons, c.topic)
	if err != nil {
		return nil, err
	}
	assign := make([]kafka.TopicPartition, 0, len(ids))
	for _, id := range ids {
		assign = append(assign, kafka.TopicPartition{Topic: &c.topic, Partition: id, Offset: kafka.OffsetBeginning})
	}
	res := consumeResult{Target: *records, Partitions: len(ids)}
	deadline := time.Now().Add(c.timeout)
	start := time.Now()
	if err := cons.Assign(assign); err != nil {
		return nil, err
	}
	var n, bytes int64
	var errs errorTracker
	for n < *records && time.Now().Before(deadline) {
		switch ev := cons.Poll(100).(type) {
		case *kafka.Message:
			if ev.TopicPartition.Error != nil {
				errs.add(ev.TopicPartition.Error)
				continue
			}
			n++
			bytes += int64(len(ev.Value))
		case kafka.Error:
			errs.add(ev)
		}
	}
	res.Throughput = throughput(n, bytes, time.Since(start))
	res.Complete = n >= *records
	res.Errors = errs.count
	res.FirstError = errs.first
	return res, nil
}
