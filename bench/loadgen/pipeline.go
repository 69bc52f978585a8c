package main

// The pipeline benchmark's subcommands (bench/pipeline.ts): records come from a file that the
// harness writes (bench/lib/pipeline/workload.ts: per record a 4-byte big-endian key length, the
// key, a 4-byte value length, the value), so the workload is defined once, in TypeScript.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

type fileRecord struct{ key, value []byte }

func readRecordsFile(path string) ([]fileRecord, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	var out []fileRecord
	var length [4]byte
	readPart := func() ([]byte, error) {
		if _, err := io.ReadFull(r, length[:]); err != nil {
			return nil, err
		}
		b := make([]byte, binary.BigEndian.Uint32(length[:]))
		_, err := io.ReadFull(r, b)
		return b, err
	}
	for {
		key, err := readPart()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		value, err := readPart()
		if err != nil {
			return nil, fmt.Errorf("%s: truncated record: %w", path, err)
		}
		out = append(out, fileRecord{key, value})
	}
}

// runProduceFile produces every record of the file, keyed, as fast as possible.
func runProduceFile(args []string) (any, error) {
	fs := flag.NewFlagSet("produce-file", flag.ContinueOnError)
	var c common
	var p producerFlags
	c.register(fs, true)
	p.register(fs, 5)
	file := fs.String("file", "", "records file (required)")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if err := c.check(true); err != nil {
		return nil, err
	}
	records, err := readRecordsFile(*file)
	if err != nil {
		return nil, err
	}
	popts, err := p.opts()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	cl, err := kgo.NewClient(append(append(c.baseOpts(), popts...), kgo.DefaultProduceTopic(c.topic))...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	var errs errorTracker
	var bytesSent int64
	start := time.Now()
	for _, rec := range records {
		bytesSent += int64(len(rec.value))
		cl.Produce(ctx, &kgo.Record{Key: rec.key, Value: rec.value}, func(_ *kgo.Record, err error) {
			if err != nil {
				errs.add(err)
			}
		})
	}
	if err := cl.Flush(ctx); err != nil {
		return nil, err
	}
	if n := errs.count.Load(); n > 0 {
		return nil, fmt.Errorf("%d records failed: %s", n, errs.first)
	}
	return struct {
		Throughput
		Acks string `json:"acks"`
	}{throughput(int64(len(records)), bytesSent, time.Since(start)), p.acks}, nil
}

type countResult struct {
	Complete bool             `json:"complete"`
	Counts   map[string]int64 `json:"counts"`
	Expected map[string]int64 `json:"expected"`
	Bytes    int64            `json:"bytes"`
	// When the first record arrived and when the last expected one did (unix ms).
	FirstUnixMs int64  `json:"firstUnixMs"`
	DoneUnixMs  int64  `json:"doneUnixMs"`
	Errors      int64  `json:"errors"`
	FirstError  string `json:"firstError,omitempty"`
}

// runCount reads topics from the start, without a group, until each holds its expected count;
// then it keeps reading for --grace to see records beyond it (duplicates, strays).
func runCount(args []string) (any, error) {
	fs := flag.NewFlagSet("count", flag.ContinueOnError)
	var c common
	c.register(fs, false)
	expectFlag := fs.String("expect", "", "topic=N,topic=N,... (required)")
	grace := fs.Duration("grace", 2*time.Second, "how long to keep reading after the expected counts")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if err := c.check(false); err != nil {
		return nil, err
	}
	expected := map[string]int64{}
	var topics []string
	for _, part := range strings.Split(*expectFlag, ",") {
		name, n, ok := strings.Cut(part, "=")
		count, err := strconv.ParseInt(n, 10, 64)
		if !ok || err != nil || name == "" {
			return nil, fmt.Errorf("--expect wants topic=N,...; got %q", part)
		}
		expected[name] = count
		topics = append(topics, name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	opts := append(c.baseOpts(), fetchOpts()...)
	opts = append(opts, kgo.ConsumeTopics(topics...), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	res := countResult{Counts: map[string]int64{}, Expected: expected}
	for _, t := range topics {
		res.Counts[t] = 0
	}
	var errs errorTracker
	reached := func() bool {
		for t, n := range expected {
			if res.Counts[t] < n {
				return false
			}
		}
		return true
	}
	var graceEnd time.Time
	for ctx.Err() == nil {
		pollCtx := ctx
		var stop context.CancelFunc
		if !graceEnd.IsZero() {
			if time.Now().After(graceEnd) {
				break
			}
			pollCtx, stop = context.WithDeadline(ctx, graceEnd)
		}
		fetches := cl.PollFetches(pollCtx)
		if stop != nil {
			stop()
		}
		now := time.Now().UnixMilli()
		fetches.EachError(func(_ string, _ int32, err error) {
			if ctx.Err() == nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
				errs.add(err)
			}
		})
		fetches.EachRecord(func(r *kgo.Record) {
			if res.FirstUnixMs == 0 {
				res.FirstUnixMs = now
			}
			res.Counts[r.Topic]++
			res.Bytes += int64(len(r.Value))
		})
		if graceEnd.IsZero() && reached() {
			res.DoneUnixMs = now
			res.Complete = true
			graceEnd = time.Now().Add(*grace)
		}
	}
	res.Errors = errs.count.Load()
	res.FirstError = errs.first
	return res, nil
}

type pipelineE2EResult struct {
	Rate         int     `json:"rate"`
	AchievedRate float64 `json:"achievedRate"`
	Sent         int64   `json:"sent"`
	Acked        int64   `json:"acked"`
	Expected     int64   `json:"expected"`
	Received     int64   `json:"received"`
	Errors       int64   `json:"errors"`
	FirstError   string  `json:"firstError,omitempty"`
	Latency      Latency `json:"latency"`
}

var sentAtField = []byte(`"sentAt":`)

// runPipelineE2E produces the file's records at a fixed rate into --topic, writing the send time
// (unix ms, 13 digits) over each value's "sentAt" placeholder, and measures, on --out, receive
// time − sentAt of every record sent after the warm-up.
func runPipelineE2E(args []string) (any, error) {
	fs := flag.NewFlagSet("pipeline-e2e", flag.ContinueOnError)
	var c common
	var p producerFlags
	c.register(fs, true)
	p.register(fs, 0)
	out := fs.String("out", "", "output topic to measure (required)")
	file := fs.String("file", "", "records file (required)")
	rate := fs.Int("rate", 5000, "records per second")
	duration := fs.Duration("duration", 10*time.Second, "how long to produce")
	warmup := fs.Duration("warmup", 2*time.Second, "records sent in this first stretch are not measured")
	expect := fs.Int64("expect", 0, "records the output topic must receive (0: wait out --drain)")
	drain := fs.Duration("drain", 30*time.Second, "how long to wait for the last records after producing")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if err := c.check(true); err != nil {
		return nil, err
	}
	if *out == "" || *rate <= 0 {
		return nil, fmt.Errorf("--out is required and --rate must be positive")
	}
	records, err := readRecordsFile(*file)
	if err != nil {
		return nil, err
	}
	total := int64(*rate) * int64(duration.Seconds())
	if int64(len(records)) < total {
		return nil, fmt.Errorf("%s holds %d records; --rate × --duration needs %d", *file, len(records), total)
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
	outCommon := c
	outCommon.topic = *out
	ends, err := endOffsets(ctx, outCommon)
	if err != nil {
		return nil, err
	}
	consOpts := append(c.baseOpts(), fetchOpts()...)
	consOpts = append(consOpts, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{*out: ends}))
	cons, err := kgo.NewClient(consOpts...)
	if err != nil {
		return nil, err
	}
	defer cons.Close()

	var measuredFromMs atomic.Int64
	measuredFromMs.Store(1 << 62)
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
			from := measuredFromMs.Load()
			mu.Lock()
			fetches.EachRecord(func(r *kgo.Record) {
				received.Add(1)
				i := bytes.LastIndex(r.Value, sentAtField)
				if i < 0 {
					consumerErr.add(fmt.Errorf("a record on %s has no sentAt", *out))
					return
				}
				digits := r.Value[i+len(sentAtField):]
				end := 0
				for end < len(digits) && digits[end] >= '0' && digits[end] <= '9' {
					end++
				}
				sentMs, err := strconv.ParseInt(string(digits[:end]), 10, 64)
				if err == nil && sentMs >= from {
					samples = append(samples, now-sentMs*int64(time.Millisecond))
				}
			})
			mu.Unlock()
		}
	}()

	var acked atomic.Int64
	var prodErr errorTracker
	start := time.Now()
	sent := int64(0)
	for sent < total && ctx.Err() == nil {
		elapsed := time.Since(start)
		if elapsed >= *warmup && measuredFromMs.Load() == 1<<62 {
			measuredFromMs.Store(time.Now().UnixMilli())
		}
		due := min(total, int64(elapsed.Seconds()*float64(*rate))+1)
		for ; sent < due; sent++ {
			rec := records[sent]
			value := append([]byte(nil), rec.value...)
			if i := bytes.LastIndex(value, sentAtField); i >= 0 {
				copy(value[i+len(sentAtField):], strconv.FormatInt(time.Now().UnixMilli(), 10))
			}
			prod.Produce(ctx, &kgo.Record{Key: rec.key, Value: value}, func(_ *kgo.Record, err error) {
				if err != nil {
					prodErr.add(err)
					return
				}
				acked.Add(1)
			})
		}
		next := start.Add(time.Duration(float64(sent) / float64(*rate) * float64(time.Second)))
		if d := time.Until(next); d > 0 {
			time.Sleep(d)
		}
	}
	produceElapsed := time.Since(start)
	_ = prod.Flush(ctx)

	deadline := time.Now().Add(*drain)
	for (*expect == 0 || received.Load() < *expect) && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	stopConsumer()
	<-consumerDone
	mu.Lock()
	defer mu.Unlock()
	res := pipelineE2EResult{
		Rate:         *rate,
		AchievedRate: round3(float64(sent) / produceElapsed.Seconds()),
		Sent:         sent,
		Acked:        acked.Load(),
		Expected:     *expect,
		Received:     received.Load(),
		Errors:       prodErr.count.Load() + consumerErr.count.Load(),
		Latency:      summarize(samples),
	}
	res.FirstError = prodErr.first
	if res.FirstError == "" {
		res.FirstError = consumerErr.first
	}
	return res, nil
}
