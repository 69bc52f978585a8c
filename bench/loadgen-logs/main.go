// Command loadgen-logs writes realistic log lines into a logs topic as fast as franz-go can, the
// way a shipper would: one record per line, keyed by service, the value the line as the service
// printed it (pino JSON or plain text), no headers. bench/loadgen cannot set keys and values per
// record, hence this small module beside it.
//
//	loadgen-logs produce --brokers B --topic T --bytes N [--acks all|1] [--seed S]
//
// Prints one JSON object on stdout: lines and bytes acknowledged, seconds, rates, the time span
// of the lines' timestamps. Progress and errors go to stderr.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

type result struct {
	Lines        int64   `json:"lines"`
	Bytes        int64   `json:"bytes"`
	Seconds      float64 `json:"seconds"`
	LinesPerSec  float64 `json:"linesPerSec"`
	MBPerSec     float64 `json:"mbPerSec"`
	AvgLineBytes float64 `json:"avgLineBytes"`
	JSONLines    int64   `json:"jsonLines"`
	Services     int     `json:"services"`
	FirstUnixMs  int64   `json:"firstUnixMs"`
	LastUnixMs   int64   `json:"lastUnixMs"`
	Errors       int64   `json:"errors"`
	FirstError   string  `json:"firstError,omitempty"`
	CPUSeconds   float64 `json:"loadgenCpuSeconds"`
}

func main() {
	if len(os.Args) < 2 || os.Args[1] != "produce" {
		fmt.Fprintln(os.Stderr, "Usage: loadgen-logs produce --brokers B --topic T --bytes N [--acks all|1] [--seed S]")
		os.Exit(2)
	}
	res, err := produce(os.Args[2:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "loadgen-logs: %v\n", err)
		os.Exit(1)
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		res.CPUSeconds = float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
	}
	_ = json.NewEncoder(os.Stdout).Encode(res)
}

func produce(args []string) (*result, error) {
	fs := flag.NewFlagSet("produce", flag.ContinueOnError)
	brokers := fs.String("brokers", "127.0.0.1:9092", "comma-separated bootstrap brokers")
	topic := fs.String("topic", "sluice-logs", "the logs topic")
	total := fs.Int64("bytes", 1<<30, "stop after this many bytes of lines")
	acks := fs.String("acks", "all", "all (idempotent, franz-go's default) or 1")
	seed := fs.Uint64("seed", 1, "seed of the line generator")
	timeout := fs.Duration("timeout", 30*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	opts := []kgo.Opt{
		kgo.SeedBrokers(strings.Split(*brokers, ",")...),
		kgo.ClientID("sluice-loadgen-logs"),
		kgo.DefaultProduceTopic(*topic),
		kgo.ProducerLinger(5 * time.Millisecond),
		kgo.ProducerBatchMaxBytes(1 << 20),
		kgo.MaxBufferedBytes(64 << 20),
		kgo.MaxBufferedRecords(1 << 30),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
	}
	switch *acks {
	case "all":
		opts = append(opts, kgo.RequiredAcks(kgo.AllISRAcks()))
	case "1":
		opts = append(opts, kgo.RequiredAcks(kgo.LeaderAck()), kgo.DisableIdempotentWrite())
	default:
		return nil, fmt.Errorf("--acks must be all or 1")
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()

	gen := newGenerator(*seed)
	var acked, ackedBytes, failed atomic.Int64
	var once sync.Once
	var firstErr string
	res := &result{Services: len(services)}
	start := time.Now()
	res.FirstUnixMs = start.UnixMilli()
	var written int64
	for written < *total && ctx.Err() == nil {
		now := time.Now()
		svc, line, isJSON := gen.line(now)
		if isJSON {
			res.JSONLines++
		}
		n := int64(len(line))
		written += n
		res.Lines++
		cl.Produce(ctx, &kgo.Record{Key: []byte(svc), Value: line, Timestamp: now}, func(_ *kgo.Record, err error) {
			if err != nil {
				failed.Add(1)
				once.Do(func() { firstErr = err.Error() })
				return
			}
			acked.Add(1)
			ackedBytes.Add(n)
		})
		if res.Lines%500_000 == 0 {
			fmt.Fprintf(os.Stderr, "loadgen-logs: %d lines, %d MB sent\n", res.Lines, written/1_000_000)
		}
	}
	res.LastUnixMs = time.Now().UnixMilli()
	if err := cl.Flush(ctx); err != nil && firstErr == "" {
		firstErr = "flush: " + err.Error()
	}
	elapsed := time.Since(start).Seconds()
	sent := res.Lines
	res.Lines = acked.Load()
	res.Bytes = ackedBytes.Load()
	res.Seconds = elapsed
	res.LinesPerSec = float64(res.Lines) / elapsed
	res.MBPerSec = float64(res.Bytes) / 1e6 / elapsed
	res.AvgLineBytes = float64(res.Bytes) / float64(max(1, res.Lines))
	res.Errors = failed.Load()
	res.FirstError = firstErr
	if res.Lines != sent {
		return res, fmt.Errorf("%d of %d lines acknowledged: %s", res.Lines, sent, firstErr)
	}
	return res, nil
}

var services = []string{"orders", "payments", "catalog", "inventory", "users", "notifications", "gateway", "search"}

var routes = []string{"/api/orders", "/api/payments", "/api/catalog/items", "/api/inventory/stock", "/api/users", "/api/notify", "/api/search"}

// Levels by weight: mostly info, some debug, a few warnings and errors.
var levels = []struct {
	name string
	pino int
	text string
	w    int
}{{"info", 30, "INFO", 70}, {"debug", 20, "DEBUG", 15}, {"warn", 40, "WARN", 10}, {"error", 50, "ERROR", 5}}

var messages = map[string][]string{
	"info":  {"request completed", "order placed", "payment captured", "cache refreshed", "user signed in", "item reserved"},
	"debug": {"cache lookup", "sql query prepared", "feature flag evaluated", "retry budget checked"},
	"warn":  {"slow query", "retrying downstream call", "rate limit close", "deprecated api used"},
	"error": {"payment declined by provider", "downstream timeout", "constraint violation on insert", "connection reset by peer"},
}

type generator struct {
	r   *rand.Rand
	buf []byte
}

func newGenerator(seed uint64) *generator {
	return &generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (g *generator) level() (string, int, string) {
	n := g.r.IntN(100)
	for _, l := range levels {
		if n < l.w {
			return l.name, l.pino, l.text
		}
		n -= l.w
	}
	return "info", 30, "INFO"
}

func (g *generator) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.r.IntN(16)]
	}
	return string(b)
}

// line makes one line: 60% pino JSON (as pino prints it, with request fields), 40% plain text
// in a Java/Go logger's style (level first, no time: the record's timestamp is the line's).
func (g *generator) line(now time.Time) (string, []byte, bool) {
	svc := services[g.r.IntN(len(services))]
	lvl, pinoLevel, text := g.level()
	msgs := messages[lvl]
	msg := msgs[g.r.IntN(len(msgs))]
	route := routes[g.r.IntN(len(routes))]
	id := g.r.IntN(1_000_000)
	status := 200
	if lvl == "error" {
		status = 500 + g.r.IntN(4)
	} else if lvl == "warn" {
		status = 429
	}
	ms := g.r.IntN(2000)
	b := g.buf[:0]
	isJSON := g.r.IntN(10) < 6
	if isJSON {
		b = append(b, `{"level":`...)
		b = strconv.AppendInt(b, int64(pinoLevel), 10)
		b = append(b, `,"time":`...)
		b = strconv.AppendInt(b, now.UnixMilli(), 10)
		b = append(b, `,"pid":`...)
		b = strconv.AppendInt(b, int64(1000+len(svc)*37), 10)
		b = append(b, `,"hostname":"`...)
		b = append(b, svc...)
		b = append(b, `-7d9f8b6c4-x2k`...)
		b = append(b, svc[0])
		b = append(b, `","reqId":"req-`...)
		b = append(b, g.hex(12)...)
		b = append(b, `","req":{"method":"GET","url":"`...)
		b = append(b, route...)
		b = append(b, '/')
		b = strconv.AppendInt(b, int64(id), 10)
		b = append(b, `"},"res":{"statusCode":`...)
		b = strconv.AppendInt(b, int64(status), 10)
		b = append(b, `},"responseTime":`...)
		b = strconv.AppendInt(b, int64(ms), 10)
		b = append(b, `,"traceId":"`...)
		b = append(b, g.hex(32)...)
		b = append(b, `","msg":"`...)
		b = append(b, msg...)
		b = append(b, `"}`...)
	} else {
		b = append(b, text...)
		b = append(b, " [http-nio-8080-exec-"...)
		b = strconv.AppendInt(b, int64(1+g.r.IntN(16)), 10)
		b = append(b, "] com.example."...)
		b = append(b, svc...)
		b = append(b, ".web.RequestLogger - "...)
		b = append(b, msg...)
		b = append(b, ": GET "...)
		b = append(b, route...)
		b = append(b, '/')
		b = strconv.AppendInt(b, int64(id), 10)
		b = append(b, " -> "...)
		b = strconv.AppendInt(b, int64(status), 10)
		b = append(b, " in "...)
		b = strconv.AppendInt(b, int64(ms), 10)
		b = append(b, " ms (user=u-"...)
		b = strconv.AppendInt(b, int64(g.r.IntN(100_000)), 10)
		b = append(b, ", trace="...)
		b = append(b, g.hex(32)...)
		b = append(b, ')')
	}
	g.buf = b
	return svc, append([]byte(nil), b...), isJSON
}
