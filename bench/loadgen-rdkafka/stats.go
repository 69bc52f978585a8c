package main

import (
	"slices"
	"time"
)

// Latency and Throughput have bench/loadgen's JSON names, so that the harness reads both alike.
type Latency struct {
	Samples int     `json:"samples"`
	MinMs   float64 `json:"minMs"`
	P50Ms   float64 `json:"p50Ms"`
	P99Ms   float64 `json:"p99Ms"`
	P999Ms  float64 `json:"p999Ms"`
	MaxMs   float64 `json:"maxMs"`
	MeanMs  float64 `json:"meanMs"`
}

// summarize sorts the samples (nanoseconds) and reads exact percentiles off them (nearest rank).
func summarize(ns []int64) Latency {
	if len(ns) == 0 {
		return Latency{}
	}
	slices.Sort(ns)
	var sum float64
	for _, v := range ns {
		sum += float64(v)
	}
	at := func(q float64) float64 {
		i := max(0, min(len(ns)-1, int(q*float64(len(ns))+0.5)-1))
		return ms(ns[i])
	}
	return Latency{
		Samples: len(ns), MinMs: ms(ns[0]), P50Ms: at(0.50), P99Ms: at(0.99), P999Ms: at(0.999),
		MaxMs: ms(ns[len(ns)-1]), MeanMs: round3(sum / float64(len(ns)) / 1e6),
	}
}

func ms(ns int64) float64 { return round3(float64(ns) / 1e6) }

func round3(v float64) float64 { return float64(int64(v*1000+0.5)) / 1000 }

type Throughput struct {
	Records       int64   `json:"records"`
	Bytes         int64   `json:"bytes"`
	Seconds       float64 `json:"seconds"`
	RecordsPerSec float64 `json:"recordsPerSec"`
	MiBPerSec     float64 `json:"mibPerSec"`
}

func throughput(records, bytes int64, elapsed time.Duration) Throughput {
	s := elapsed.Seconds()
	if s <= 0 {
		return Throughput{Records: records, Bytes: bytes}
	}
	return Throughput{
		Records: records, Bytes: bytes, Seconds: round3(s),
		RecordsPerSec: round3(float64(records) / s),
		MiBPerSec:     round3(float64(bytes) / s / (1 << 20)),
	}
}

// errorTracker counts errors and keeps the first.
type errorTracker struct {
	count int64
	first string
}

func (e *errorTracker) add(err error) {
	e.count++
	if e.first == "" {
		e.first = err.Error()
	}
}
