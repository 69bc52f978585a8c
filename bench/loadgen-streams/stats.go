package main

import (
	"crypto/rand"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Latency summarises samples in milliseconds; the fields are bench/loadgen's.
type Latency struct {
	Samples int     `json:"samples"`
	MinMs   float64 `json:"minMs"`
	P50Ms   float64 `json:"p50Ms"`
	P99Ms   float64 `json:"p99Ms"`
	P999Ms  float64 `json:"p999Ms"`
	MaxMs   float64 `json:"maxMs"`
	MeanMs  float64 `json:"meanMs"`
}

// summarize sorts the samples (ns) and reads nearest-rank percentiles off them.
func summarize(ns []int64) Latency {
	if len(ns) == 0 {
		return Latency{}
	}
	slices.Sort(ns)
	var total float64
	for _, v := range ns {
		total += float64(v)
	}
	rank := func(q float64) float64 {
		i := min(len(ns)-1, max(0, int(q*float64(len(ns))+0.5)-1))
		return toMs(ns[i])
	}
	return Latency{
		Samples: len(ns),
		MinMs:   toMs(ns[0]),
		P50Ms:   rank(0.50),
		P99Ms:   rank(0.99),
		P999Ms:  rank(0.999),
		MaxMs:   toMs(ns[len(ns)-1]),
		MeanMs:  round3(total / float64(len(ns)) / 1e6),
	}
}

func toMs(ns int64) float64 { return round3(float64(ns) / 1e6) }

func round3(v float64) float64 { return float64(int64(v*1000+0.5)) / 1000 }

// Throughput has bench/loadgen's field names.
type Throughput struct {
	Records       int64   `json:"records"`
	Bytes         int64   `json:"bytes"`
	Seconds       float64 `json:"seconds"`
	RecordsPerSec float64 `json:"recordsPerSec"`
	MiBPerSec     float64 `json:"mibPerSec"`
}

func throughput(records, bytes int64, elapsed time.Duration) Throughput {
	s := max(elapsed.Seconds(), 1e-9)
	return Throughput{
		Records:       records,
		Bytes:         bytes,
		Seconds:       round3(s),
		RecordsPerSec: round3(float64(records) / s),
		MiBPerSec:     round3(float64(bytes) / s / (1 << 20)),
	}
}

type produceResult struct {
	Throughput
	Complete   bool    `json:"complete"`
	Peer       string  `json:"peer"`
	Size       int     `json:"size"`
	Window     int     `json:"window"`
	Batch      int     `json:"batch,omitempty"`
	Errors     int64   `json:"errors"`
	FirstError string  `json:"firstError,omitempty"`
	AckLatency Latency `json:"ackLatency"`
	Client     string  `json:"client"`
}

type consumeResult struct {
	Throughput
	Complete   bool   `json:"complete"`
	Peer       string `json:"peer"`
	Target     int64  `json:"target"`
	Reads      int    `json:"reads,omitempty"`
	Window     int    `json:"window,omitempty"`
	Errors     int    `json:"errors"`
	FirstError string `json:"firstError,omitempty"`
	Client     string `json:"client"`
}

// acks records, per record index, when it was sent and how long its acknowledgement took.
// Every peer here acknowledges one publisher's records in the order it sent them (a stream
// sequence, a delivery tag, a pipeline), so an index identifies a record cheaply.
type acks struct {
	sent    []int64 // unix ns, by index
	latency []int64 // ns, by acknowledgement order
	acked   atomic.Int64
	errs    atomic.Int64
	once    sync.Once
	first   string
}

func newAcks(n int) *acks { return &acks{sent: make([]int64, n), latency: make([]int64, n)} }

func (a *acks) send(i int) { a.sent[i] = time.Now().UnixNano() }

func (a *acks) ok(i int) {
	a.latency[a.acked.Add(1)-1] = time.Now().UnixNano() - a.sent[i]
}

func (a *acks) fail(err error) {
	a.errs.Add(1)
	a.once.Do(func() { a.first = err.Error() })
}

// result fills the common fields of a produce result.
func (a *acks) result(peer string, f produceFlags, elapsed time.Duration) produceResult {
	n := a.acked.Load()
	r := produceResult{
		Throughput: throughput(n, n*int64(f.size), elapsed),
		Complete:   n == int64(f.records),
		Peer:       peer,
		Size:       f.size,
		Errors:     a.errs.Load(),
		FirstError: a.first,
		AckLatency: summarize(a.latency[:n]),
	}
	if !r.Complete {
		logf("acknowledged %d of %d records (%d failed)", n, f.records, r.Errors)
	}
	return r
}

func payload(size int) []byte {
	b := make([]byte, size)
	_, _ = rand.Read(b) // incompressible
	return b
}
