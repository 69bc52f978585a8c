package main

import (
	"crypto/rand"
	"flag"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// producerConfig is librdkafka's defaults with the given acks. acks=all producers are
// idempotent, as the franz-go and Java ones are by default (librdkafka's own default is not).
func producerConfig(brokers, acks string) (*kafka.ConfigMap, error) {
	cfg := &kafka.ConfigMap{
		"bootstrap.servers": brokers,
		// Delivery reports carry only what the generator reads (opaque, error, partition).
		"go.delivery.report.fields": "none",
	}
	switch acks {
	case "all", "-1":
		_ = cfg.SetKey("acks", "all")
		_ = cfg.SetKey("enable.idempotence", true)
	case "1":
		_ = cfg.SetKey("acks", "1")
	default:
		return nil, fmt.Errorf("--acks must be all or 1, not %q", acks)
	}
	return cfg, nil
}

type produceResult struct {
	Throughput
	Complete   bool    `json:"complete"`
	Acks       string  `json:"acks"`
	Size       int     `json:"size"`
	Errors     int64   `json:"errors"`
	FirstError string  `json:"firstError,omitempty"`
	AckLatency Latency `json:"ackLatency"`
}

// runProduce sends N records as fast as librdkafka takes them; throughput runs from the first
// Produce call to the last delivery report.
func runProduce(args []string) (any, error) {
	fs := flag.NewFlagSet("produce", flag.ContinueOnError)
	var c common
	c.register(fs)
	records := fs.Int64("records", 100_000, "records to send")
	size := fs.Int("size", 100, "value size in bytes")
	acks := fs.String("acks", "all", "all or 1")
	if err := parse(fs, &c, args); err != nil {
		return nil, err
	}
	cfg, err := producerConfig(c.brokers, *acks)
	if err != nil {
		return nil, err
	}
	p, err := kafka.NewProducer(cfg)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	if _, err := partitions(p, c.topic); err != nil {
		return nil, err
	}

	value := make([]byte, *size)
	_, _ = rand.Read(value) // incompressible
	n := *records
	sentAt := make([]int64, n)
	ackLat := make([]int64, n)
	var acked, failed atomic.Int64
	var errs errorTracker
	var lastAck atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for acked.Load()+failed.Load() < n {
			ev, ok := <-p.Events()
			if !ok {
				return
			}
			m, isMsg := ev.(*kafka.Message)
			if !isMsg {
				if e, isErr := ev.(kafka.Error); isErr {
					logf("client error: %v", e)
				}
				continue
			}
			now := time.Now().UnixNano()
			if m.TopicPartition.Error != nil {
				if failed.Add(1) == 1 {
					errs.add(m.TopicPartition.Error)
				}
				continue
			}
			i := m.Opaque.(int64)
			ackLat[acked.Add(1)-1] = now - sentAt[i]
			lastAck.Store(now)
		}
	}()

	deadline := time.Now().Add(c.timeout)
	start := time.Now()
	tp := kafka.TopicPartition{Topic: &c.topic, Partition: kafka.PartitionAny}
	for i := int64(0); i < n && time.Now().Before(deadline); {
		sentAt[i] = time.Now().UnixNano()
		err := p.Produce(&kafka.Message{TopicPartition: tp, Value: value, Opaque: i}, nil)
		if err == nil {
			i++
			continue
		}
		if ke, ok := err.(kafka.Error); ok && ke.Code() == kafka.ErrQueueFull {
			time.Sleep(50 * time.Microsecond) // the client's queue is full: wait for deliveries
			continue
		}
		return nil, fmt.Errorf("produce: %w", err)
	}
	select {
	case <-done:
	case <-time.After(time.Until(deadline)):
		logf("gave up waiting for delivery reports: %d of %d", acked.Load(), n)
	}
	a := acked.Load()
	elapsed := time.Duration(lastAck.Load() - start.UnixNano())
	res := produceResult{
		Throughput: throughput(a, a*int64(*size), elapsed),
		Complete:   a == n,
		Acks:       *acks,
		Size:       *size,
		Errors:     failed.Load(),
		FirstError: errs.first,
		AckLatency: summarize(ackLat[:a]),
	}
	return res, nil
}
