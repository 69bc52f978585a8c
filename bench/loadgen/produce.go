package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// producerFlags are the knobs shared by produce and e2e.
type producerFlags struct {
	acks             string
	lingerMs         float64
	batchBytes       int
	maxBufferedBytes int
	inflight         int
}

func (p *producerFlags) register(fs *flag.FlagSet, defaultLingerMs float64) {
	fs.StringVar(&p.acks, "acks", "all", "all or 1 (acks=all is idempotent, as franz-go and the Java client default to)")
	fs.Float64Var(&p.lingerMs, "linger-ms", defaultLingerMs, "how long a partition's batch may wait for more records")
	fs.IntVar(&p.batchBytes, "batch-bytes", 1<<20, "largest record batch")
	fs.IntVar(&p.maxBufferedBytes, "max-buffered-bytes", 32<<20, "client buffer, like the Java client's buffer.memory; Produce blocks when full")
	fs.IntVar(&p.inflight, "inflight", 5, "produce requests in flight per broker when acks=1 (acks=all: idempotent, 5)")
}

func (p *producerFlags) opts() ([]kgo.Opt, error) {
	opts := []kgo.Opt{
		kgo.ProducerLinger(time.Duration(p.lingerMs * float64(time.Millisecond))),
		kgo.ProducerBatchMaxBytes(int32(p.batchBytes)),
		kgo.MaxBufferedBytes(p.maxBufferedBytes),
		kgo.MaxBufferedRecords(1 << 30), // limited by bytes only
		kgo.ProducerBatchCompression(kgo.NoCompression()),
	}
	switch p.acks {
	case "all", "-1":
		opts = append(opts, kgo.RequiredAcks(kgo.AllISRAcks()))
	case "1":
		opts = append(opts, kgo.RequiredAcks(kgo.LeaderAck()), kgo.DisableIdempotentWrite(),
			kgo.MaxProduceRequestsInflightPerBroker(p.inflight))
	default:
		return nil, fmt.Errorf("--acks must be all or 1, not %q", p.acks)
	}
	return opts, nil
}

// requestTimer records the round trip of every produce request (write start to response
// read), which is the broker's share of the ack latency without the client's queueing.
type requestTimer struct {
	mu      sync.Mutex
	samples []int64
	errors  int
}

func (h *requestTimer) OnBrokerE2E(_ kgo.BrokerMetadata, key int16, e2e kgo.BrokerE2E) {
	if key != 0 { // Produce
		return
	}
	h.mu.Lock()
	if e2e.WriteErr != nil || e2e.ReadErr != nil {
		h.errors++
	} else {
		h.samples = append(h.samples, e2e.DurationE2E().Nanoseconds())
	}
	h.mu.Unlock()
}

type produceResult struct {
	Throughput
	Complete       bool    `json:"complete"`
	Acks           string  `json:"acks"`
	Size           int     `json:"size"`
	Partitions     int     `json:"partitions"`
	LingerMs       float64 `json:"lingerMs"`
	BatchBytes     int     `json:"batchBytes"`
	Errors         int64   `json:"errors"`
	FirstError     string  `json:"firstError,omitempty"`
	AckLatency     Latency `json:"ackLatency"`
	RequestLatency Latency `json:"requestLatency"`
	Requests       int     `json:"requests"`
}

// errorTracker counts failed records and keeps the first error.
type errorTracker struct {
	count atomic.Int64
	once  sync.Once
	first string
}

func (e *errorTracker) add(err error) {
	e.count.Add(1)
	e.once.Do(func() { e.first = err.Error() })
}

// fullBatchChunk is what --full-batches buffers between flushes: many whole batches per partition,
// and below the client buffer (with ManualFlushing a full buffer fails Produce instead of blocking).
const fullBatchChunk = 24 << 20

func runProduce(args []string) (any, error) {
	fs := flag.NewFlagSet("produce", flag.ContinueOnError)
	var c common
	var p producerFlags
	c.register(fs, true)
	p.register(fs, 5)
	records := fs.Int("records", 100000, "records to produce")
	size := fs.Int("size", 100, "value size in bytes (keys are null)")
	partitions := fs.Int("partitions", 0, "expected partition count of the topic (checked when > 0)")
	maxSeconds := fs.Float64("max-seconds", 0, "stop producing after this many seconds and report what was acknowledged (0: no limit)")
	fullBatches := fs.Bool("full-batches", false, "flush by hand every 24 MiB (ManualFlushing) so that batches are cut only when full: a log layout that does not depend on how fast the broker acknowledges (the fills of the topics consumers read)")
	partitioner := fs.String("partitioner", "sticky", "sticky (franz-go's default for null keys) or round-robin (record i to partition i mod P: every partition gets the same count)")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if err := c.check(true); err != nil {
		return nil, err
	}
	popts, err := p.opts()
	if err != nil {
		return nil, err
	}
	timer := &requestTimer{}
	opts := append(c.baseOpts(), popts...)
	opts = append(opts, kgo.DefaultProduceTopic(c.topic), kgo.WithHooks(timer))
	if *fullBatches {
		if p.maxBufferedBytes <= fullBatchChunk {
			return nil, fmt.Errorf("--full-batches needs --max-buffered-bytes above %d", fullBatchChunk)
		}
		opts = append(opts, kgo.ManualFlushing())
	}
	switch *partitioner {
	case "sticky":
	case "round-robin":
		opts = append(opts, kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	default:
		return nil, fmt.Errorf("--partitioner must be sticky or round-robin")
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	found, err := partitionCount(ctx, cl, c.topic)
	if err != nil {
		return nil, err
	}
	if *partitions > 0 && found != *partitions {
		return nil, fmt.Errorf("topic %s has %d partitions, expected %d", c.topic, found, *partitions)
	}

	payload := make([]byte, *size)
	_, _ = rand.Read(payload) // incompressible, though compression is off
	latencies := make([]int64, *records)
	var acked atomic.Int64
	var errs errorTracker
	start := time.Now()
	var stopAt time.Time
	if *maxSeconds > 0 {
		stopAt = start.Add(time.Duration(*maxSeconds * float64(time.Second)))
	}
	sent := 0
	for ; sent < *records; sent++ {
		if ctx.Err() != nil || (!stopAt.IsZero() && sent%1024 == 0 && time.Now().After(stopAt)) {
			break
		}
		if *fullBatches && sent > 0 && sent%max(1, fullBatchChunk / *size) == 0 {
			if err := cl.Flush(ctx); err != nil {
				errs.add(err)
				break
			}
		}
		at := time.Now()
		cl.Produce(ctx, &kgo.Record{Value: payload}, func(_ *kgo.Record, err error) {
			if err != nil {
				errs.add(err)
				return
			}
			latencies[acked.Add(1)-1] = time.Since(at).Nanoseconds()
		})
	}
	flushErr := cl.Flush(ctx)
	elapsed := time.Since(start)
	n := acked.Load()

	timer.mu.Lock()
	requests := timer.samples
	timer.mu.Unlock()
	res := produceResult{
		Throughput:     throughput(n, n*int64(*size), elapsed),
		Complete:       n == int64(*records),
		Acks:           p.acks,
		Size:           *size,
		Partitions:     found,
		LingerMs:       p.lingerMs,
		BatchBytes:     p.batchBytes,
		Errors:         errs.count.Load(),
		FirstError:     errs.first,
		AckLatency:     summarize(latencies[:n]),
		RequestLatency: summarize(requests),
		Requests:       len(requests),
	}
	if flushErr != nil && res.FirstError == "" {
		res.FirstError = "flush: " + flushErr.Error()
	}
	if !res.Complete {
		logf("acknowledged %d of %d records (%d sent, %d failed)", n, *records, sent, res.Errors)
	}
	return res, nil
}

// partitionCount asks for the topic's metadata (which also warms up the connection).
func partitionCount(ctx context.Context, cl *kgo.Client, topic string) (int, error) {
	for {
		n, err := tryPartitionCount(ctx, cl, topic)
		if err == nil && n > 0 {
			return n, nil
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("metadata for %s: %v", topic, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
