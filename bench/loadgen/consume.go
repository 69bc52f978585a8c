package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// fetchOpts are the Java consumer's fetch defaults (fetch.max.wait.ms 500, fetch.max.bytes
// 50 MiB, max.partition.fetch.bytes 1 MiB); franz-go's own differ.
func fetchOpts() []kgo.Opt {
	return []kgo.Opt{
		kgo.FetchMaxWait(500 * time.Millisecond),
		kgo.FetchMaxBytes(50 << 20),
		kgo.FetchMaxPartitionBytes(1 << 20),
	}
}

type consumeResult struct {
	Throughput
	Complete   bool   `json:"complete"`
	Target     int64  `json:"target"`
	Partitions int    `json:"partitions"`
	Fetches    int    `json:"fetches"`
	Errors     int    `json:"errors"`
	FirstError string `json:"firstError,omitempty"`
}

func runConsume(args []string) (any, error) {
	fs := flag.NewFlagSet("consume", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	records := fs.Int64("records", 0, "records to read (0: everything up to the end offsets when it starts)")
	maxSeconds := fs.Float64("max-seconds", 0, "stop after this many seconds and report what was read (0: no limit)")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if err := c.check(true); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()

	target, partitions, err := recordsInTopic(ctx, c)
	if err != nil {
		return nil, err
	}
	if *records > 0 {
		if *records > target {
			return nil, fmt.Errorf("topic %s holds %d records, fewer than --records %d", c.topic, target, *records)
		}
		target = *records
	}
	// Without a group: every partition of the topic, from the earliest offset.
	opts := append(c.baseOpts(), fetchOpts()...)
	opts = append(opts, kgo.ConsumeTopics(c.topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()

	res := consumeResult{Target: target, Partitions: partitions}
	runCtx := ctx
	if *maxSeconds > 0 {
		var stop context.CancelFunc
		runCtx, stop = context.WithTimeout(ctx, time.Duration(*maxSeconds*float64(time.Second)))
		defer stop()
	}
	var n, bytes int64
	start := time.Now()
	for n < target && runCtx.Err() == nil {
		fetches := cl.PollFetches(runCtx)
		res.Fetches++
		fetches.EachError(func(_ string, _ int32, err error) {
			if runCtx.Err() != nil {
				return
			}
			res.Errors++
			if res.FirstError == "" {
				res.FirstError = err.Error()
			}
		})
		fetches.EachRecord(func(r *kgo.Record) {
			n++
			bytes += int64(len(r.Value))
		})
	}
	res.Throughput = throughput(n, bytes, time.Since(start))
	res.Complete = n >= target
	if !res.Complete {
		logf("read %d of %d records", n, target)
	}
	return res, nil
}

// recordsInTopic adds up end minus start offsets over the topic's partitions.
func recordsInTopic(ctx context.Context, c common) (int64, int, error) {
	cl, err := kgo.NewClient(c.baseOpts()...)
	if err != nil {
		return 0, 0, err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	starts, err := adm.ListStartOffsets(ctx, c.topic)
	if err != nil {
		return 0, 0, fmt.Errorf("ListOffsets (earliest): %w", err)
	}
	ends, err := adm.ListEndOffsets(ctx, c.topic)
	if err != nil {
		return 0, 0, fmt.Errorf("ListOffsets (latest): %w", err)
	}
	if err := ends.Error(); err != nil {
		return 0, 0, fmt.Errorf("ListOffsets (latest): %w", err)
	}
	if err := starts.Error(); err != nil {
		return 0, 0, fmt.Errorf("ListOffsets (earliest): %w", err)
	}
	var total int64
	partitions := 0
	ends.Each(func(o kadm.ListedOffset) {
		partitions++
		s, _ := starts.Lookup(o.Topic, o.Partition)
		total += o.Offset - s.Offset
	})
	if partitions == 0 {
		return 0, 0, fmt.Errorf("topic %s has no partitions", c.topic)
	}
	return total, partitions, nil
}

// endOffsets returns the latest offset of every partition of the topic.
func endOffsets(ctx context.Context, c common) (map[int32]kgo.Offset, error) {
	cl, err := kgo.NewClient(c.baseOpts()...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, c.topic)
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("ListOffsets (latest): %w", err)
	}
	out := map[int32]kgo.Offset{}
	ends.Each(func(o kadm.ListedOffset) { out[o.Partition] = kgo.NewOffset().At(o.Offset) })
	if len(out) == 0 {
		return nil, fmt.Errorf("topic %s has no partitions", c.topic)
	}
	return out, nil
}
