package main

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

type e2eResult struct {
	Rate             int     `json:"rate"`
	AchievedRate     float64 `json:"achievedRate"`
	Size             int     `json:"size"`
	Acks             string  `json:"acks"`
	Partitions       int     `json:"partitions"`
	Sent             int64   `json:"sent"`
	Acked            int64   `json:"acked"`
	Received         int64   `json:"received"`
	Missing          int64   `json:"missing"`
	Errors           int64   `json:"errors"`
	FirstError       string  `json:"firstError,omitempty"`
	MaxScheduleLagMs float64 `json:"maxScheduleLagMs"`
	Latency          Latency `json:"latency"`
	AckLatency       Latency `json:"ackLatency"`
}

// runE2E produces at a fixed rate; each value starts with its send time (unix ns) and a
// sequence number. A group-less consumer at the tail measures send → receive. Records sent
// during the warm-up are consumed but not measured.
func runE2E(args []string) (any, error) {
	fs := flag.NewFlagSet("e2e", flag.ContinueOnError)
	var c common
	var p producerFlags
	c.register(fs, true)
	p.register(fs, 0)
	rate := fs.Int("rate", 10000, "records per second")
	duration := fs.Duration("duration", 10*time.Second, "how long to produce")
	size := fs.Int("size", 1024, "value size in bytes (at least 16)")
	warmup := fs.Duration("warmup", time.Second, "records sent in this first stretch are not measured")
	drain := fs.Duration("drain", 15*time.Second, "how long to wait for the last records after producing")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if err := c.check(true); err != nil {
		return nil, err
	}
	if *size < 16 || *rate <= 0 {
		return nil, fmt.Errorf("--size must be at least 16 and --rate positive")
	}
	popts, err := p.opts()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()

	prod, err := kgo.NewClient(append(append(c.baseOpts(), popts...), kgo.DefaultProduceTopic(c.topic))...)
	if err != nil {
		return nil, err
	}
	defer prod.Close()
	partitions, err := partitionCount(ctx, prod, c.topic)
	if err != nil {
		return nil, err
	}
	// The consumer starts exactly at today's end offsets, so it sees every record sent below.
	ends, err := endOffsets(ctx, c)
	if err != nil {
		return nil, err
	}
	consOpts := fetchOpts()
	consOpts = append(consOpts, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{c.topic: ends}))
	cons, err := kgo.NewClient(append(c.baseOpts(), consOpts...)...)
	if err != nil {
		return nil, err
	}
	defer cons.Close()

	total := int64(*rate) * int64(duration.Seconds())
	var measuredFrom atomic.Int64 // first measured sequence number
	measuredFrom.Store(-1)
	var (
		mu          sync.Mutex
		samples     = make([]int64, 0, total)
		received    atomic.Int64
		consumerErr errorTracker
	)
	consCtx, stopConsumer := context.WithCancel(ctx)
	consumerDone := make(chan struct{})
	go func() {
		defer close(consumerDone)
		for consCtx.Err() == nil {
			fetches := cons.PollFetches(consCtx)
			now := time.Now().UnixNano()
			fetches.EachError(func(_ string, _ int32, err error) {
				if consCtx.Err() == nil {
					consumerErr.add(err)
				}
			})
			mu.Lock()
			from := measuredFrom.Load()
			fetches.EachRecord(func(r *kgo.Record) {
				received.Add(1)
				sentAt := int64(binary.BigEndian.Uint64(r.Value))
				seq := int64(binary.BigEndian.Uint64(r.Value[8:]))
				if from >= 0 && seq >= from {
					samples = append(samples, now-sentAt)
				}
			})
			mu.Unlock()
		}
	}()

	var acked atomic.Int64
	var prodErr errorTracker
	ackLat := make([]int64, total)
	start := time.Now()
	var maxLag time.Duration
	sent := int64(0)
	for sent < total && ctx.Err() == nil {
		now := time.Now()
		elapsed := now.Sub(start)
		if measuredFrom.Load() < 0 && elapsed >= *warmup {
			measuredFrom.Store(sent)
		}
		due := min(total, int64(elapsed.Seconds()*float64(*rate))+1)
		if due-sent > 1 {
			lag := elapsed - time.Duration(float64(sent)/float64(*rate)*float64(time.Second))
			maxLag = max(maxLag, lag)
		}
		for ; sent < due; sent++ {
			value := make([]byte, *size)
			at := time.Now()
			binary.BigEndian.PutUint64(value, uint64(at.UnixNano()))
			binary.BigEndian.PutUint64(value[8:], uint64(sent))
			prod.Produce(ctx, &kgo.Record{Value: value}, func(_ *kgo.Record, err error) {
				if err != nil {
					prodErr.add(err)
					return
				}
				ackLat[acked.Add(1)-1] = time.Since(at).Nanoseconds()
			})
		}
		next := start.Add(time.Duration(float64(sent) / float64(*rate) * float64(time.Second)))
		if d := time.Until(next); d > 0 {
			time.Sleep(d)
		}
	}
	produceElapsed := time.Since(start)
	_ = prod.Flush(ctx)

	// Wait until every acknowledged record has arrived, or the drain time is up.
	expected := acked.Load()
	deadline := time.Now().Add(*drain)
	for received.Load() < expected && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	stopConsumer()
	<-consumerDone

	n := acked.Load()
	mu.Lock()
	defer mu.Unlock()
	res := e2eResult{
		Rate:             *rate,
		AchievedRate:     round3(float64(sent) / produceElapsed.Seconds()),
		Size:             *size,
		Acks:             p.acks,
		Partitions:       partitions,
		Sent:             sent,
		Acked:            n,
		Received:         received.Load(),
		Missing:          max(0, n-received.Load()),
		Errors:           prodErr.count.Load() + consumerErr.count.Load(),
		MaxScheduleLagMs: ms(maxLag.Nanoseconds()),
		AckLatency:       summarize(ackLat[:n]),
	}
	res.FirstError = prodErr.first
	if res.FirstError == "" {
		res.FirstError = consumerErr.first
	}
	res.Latency = summarize(samples)
	return res, nil
}
