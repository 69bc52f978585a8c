package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

type e2eResult struct {
	Rate         int     `json:"rate"`
	AchievedRate float64 `json:"achievedRate"`
	Size         int     `json:"size"`
	Acks         string  `json:"acks"`
	Partitions   int     `json:"partitions"`
	Sent         int64   `json:"sent"`
	Acked        int64   `json:"acked"`
	Received     int64   `json:"received"`
	Missing      int64   `json:"missing"`
	Errors       int64   `json:"errors"`
	FirstError   string  `json:"firstError,omitempty"`
	Latency      Latency `json:"latency"`
	AckLatency   Latency `json:"ackLatency"`
}

// runE2E sends at a fixed rate with linger 0, each value starting with its send time (unix ns)
// and a sequence number; a group-less consumer started at the end offsets takes receive time
// minus send time. Records sent in the first --warmup are received but not measured.
func runE2E(args []string) (any, error) {
	fs := flag.NewFlagSet("e2e", flag.ContinueOnError)
	var c common
	c.register(fs)
	rate := fs.Int("rate", 1000, "records per second")
	duration := fs.Duration("duration", 10*time.Second, "how long to send")
	size := fs.Int("size", 1024, "value size in bytes (at least 16)")
	acks := fs.String("acks", "all", "all or 1")
	warmup := fs.Duration("warmup", time.Second, "records sent in this first stretch are not measured")
	drain := fs.Duration("drain", 15*time.Second, "how long to wait for the last records")
	if err := parse(fs, &c, args); err != nil {
		return nil, err
	}
	if *size < 16 || *rate <= 0 {
		return nil, fmt.Errorf("--size must be at least 16 and --rate positive")
	}
	cfg, err := producerConfig(c.brokers, *acks)
	if err != nil {
		return nil, err
	}
	_ = cfg.SetKey("linger.ms", 0)
	prod, err := kafka.NewProducer(cfg)
	if err != nil {
		return nil, err
	}
	defer prod.Close()
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
		_, high, err := cons.QueryWatermarkOffsets(c.topic, id, 10_000)
		if err != nil {
			return nil, fmt.Errorf("end offset of partition %d: %w", id, err)
		}
		assign = append(assign, kafka.TopicPartition{Topic: &c.topic, Partition: id, Offset: kafka.Offset(high)})
	}
	if err := cons.Assign(assign); err != nil {
		return nil, err
	}

	total := int64(*rate) * int64(duration.Seconds())
	var measuredFrom atomic.Int64
	measuredFrom.Store(-1)
	var (
		mu       sync.Mutex
		samples  = make([]int64, 0, total)
		received atomic.Int64
		stop     atomic.Bool
		consErrs errorTracker
	)
	consumerDone := make(chan struct{})
	go func() {
		defer close(consumerDone)
		for !stop.Load() {
			switch ev := cons.Poll(50).(type) {
			case *kafka.Message:
				now := time.Now().UnixNano()
				if ev.TopicPartition.Error != nil || len(ev.Value) < 16 {
					continue
				}
				received.Add(1)
				sent := int64(binary.BigEndian.Uint64(ev.Value))
				seq := int64(binary.BigEndian.Uint64(ev.Value[8:]))
				if from := measuredFrom.Load(); from >= 0 && seq >= from {
					mu.Lock()
					samples = append(samples, now-sent)
					mu.Unlock()
				}
			case kafka.Error:
				consErrs.add(ev)
			}
		}
	}()

	ackLat := make([]int64, total)
	var acked, failed atomic.Int64
	var prodErrs errorTracker
	deliveries := make(chan kafka.Event, 1024)
	acksDone := make(chan struct{})
	go func() {
		defer close(acksDone)
		for ev := range deliveries {
			m, ok := ev.(*kafka.Message)
			if !ok {
				continue
			}
			if m.TopicPartition.Error != nil {
				if failed.Add(1) == 1 {
					prodErrs.add(m.TopicPartition.Error)
				}
				continue
			}
			ackLat[acked.Add(1)-1] = time.Now().UnixNano() - m.Opaque.(int64)
		}
	}()
	go func() {
		for ev := range prod.Events() {
			deliveries <- ev
		}
	}()

	deadline := time.Now().Add(c.timeout)
	tp := kafka.TopicPartition{Topic: &c.topic, Partition: kafka.PartitionAny}
	start := time.Now()
	sent := int64(0)
	for sent < total && time.Now().Before(deadline) {
		elapsed := time.Since(start)
		if measuredFrom.Load() < 0 && elapsed >= *warmup {
			measuredFrom.Store(sent)
		}
		due := min(total, int64(elapsed.Seconds()*float64(*rate))+1)
		for ; sent < due; sent++ {
			value := make([]byte, *size)
			at := time.Now().UnixNano()
			binary.BigEndian.PutUint64(value, uint64(at))
			binary.BigEndian.PutUint64(value[8:], uint64(sent))
			if err := prod.Produce(&kafka.Message{TopicPartition: tp, Value: value, Opaque: at}, nil); err != nil {
				prodErrs.add(err)
				failed.Add(1)
			}
		}
		next := start.Add(time.Duration(float64(sent) / float64(*rate) * float64(time.Second)))
		if d := time.Until(next); d > 0 {
			time.Sleep(d)
		}
	}
	produceElapsed := time.Since(start)
	prod.Flush(int(time.Until(deadline).Milliseconds()))
	for acked.Load()+failed.Load() < sent && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	want := acked.Load()
	end := time.Now().Add(*drain)
	for received.Load() < want && time.Now().Before(end) {
		time.Sleep(20 * time.Millisecond)
	}
	stop.Store(true)
	<-consumerDone

	mu.Lock()
	defer mu.Unlock()
	res := e2eResult{
		Rate: *rate, AchievedRate: round3(float64(sent) / produceElapsed.Seconds()), Size: *size,
		Acks: *acks, Partitions: len(ids), Sent: sent, Acked: want, Received: received.Load(),
		Missing: max(0, want-received.Load()), Errors: failed.Load() + consErrs.count,
		Latency: summarize(samples), AckLatency: summarize(ackLat[:want]),
	}
	res.FirstError = prodErrs.first
	if res.FirstError == "" {
		res.FirstError = consErrs.first
	}
	return res, nil
}
