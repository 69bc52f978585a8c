// Command loadgen-streams drives the "other peers" of the benchmark (NATS JetStream, Redis
// Streams, RabbitMQ) with each one's fastest Go client, on the workload that bench/loadgen
// runs against Kafka-protocol brokers: fixed-size records published durably with an
// acknowledgement per record, then read back from the start.
//
//	loadgen-streams produce --peer nats|redis|rabbitmq --addr 127.0.0.1:PORT --stream S --records N --size 100
//	loadgen-streams consume --peer nats|redis|rabbitmq --addr 127.0.0.1:PORT --stream S [--records N]
//
// Each prints one JSON object on stdout, in the shape bench/loadgen prints (records, bytes,
// seconds, recordsPerSec, mibPerSec, ackLatency, ...), so the figures compare; diagnostics
// go to stderr.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"syscall"
	"time"
)

// peer is one system under test: how to publish and how to read back.
type peer interface {
	produce(c common, p produceFlags) (produceResult, error)
	consume(c common, records int64) (consumeResult, error)
}

var peers = map[string]func() peer{
	"nats":     func() peer { return natsPeer{} },
	"redis":    func() peer { return redisPeer{} },
	"rabbitmq": func() peer { return rabbitPeer{} },
}

// common holds the flags of both subcommands.
type common struct {
	peer    string
	addr    string
	stream  string
	timeout time.Duration
	window  int
	batch   int
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.peer, "peer", "", "nats, redis or rabbitmq (required)")
	fs.StringVar(&c.addr, "addr", "", "127.0.0.1:PORT of the server (required)")
	fs.StringVar(&c.stream, "stream", "bench", "stream (NATS, Redis) or quorum queue (RabbitMQ) name")
	fs.DurationVar(&c.timeout, "timeout", 5*time.Minute, "give up after this long")
	fs.IntVar(&c.window, "window", 0, "produce: unacknowledged records in flight; consume: prefetch/buffer (0: the peer's default here)")
	fs.IntVar(&c.batch, "batch", 0, "records per pipeline (Redis XADD) or per read (Redis XREAD COUNT) (0: the default here)")
}

type produceFlags struct {
	records int
	size    int
}

func main() {
	if len(os.Args) < 2 || (os.Args[1] != "produce" && os.Args[1] != "consume") {
		fmt.Fprintln(os.Stderr, "Usage: loadgen-streams produce|consume --peer nats|redis|rabbitmq --addr HOST:PORT [flags]\n\nRun 'loadgen-streams produce -h' for the flags.")
		os.Exit(2)
	}
	result, err := run(os.Args[1], os.Args[2:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "loadgen-streams %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	if err := printResult(result); err != nil {
		fmt.Fprintf(os.Stderr, "loadgen-streams: %v\n", err)
		os.Exit(1)
	}
}

func run(sub string, args []string) (any, error) {
	fs := flag.NewFlagSet(sub, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	var c common
	c.register(fs)
	records := fs.Int("records", 0, "produce: records to publish (required); consume: records to read (0: all in the stream when it starts)")
	size := fs.Int("size", 100, "produce: payload bytes per record")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	mk, ok := peers[c.peer]
	if !ok {
		return nil, fmt.Errorf("--peer must be nats, redis or rabbitmq, not %q", c.peer)
	}
	if c.addr == "" {
		return nil, fmt.Errorf("--addr is required")
	}
	p := mk()
	if sub == "produce" {
		if *records <= 0 || *size <= 0 {
			return nil, fmt.Errorf("--records and --size must be positive")
		}
		return p.produce(c, produceFlags{records: *records, size: *size})
	}
	return p.consume(c, int64(*records))
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadgen-streams: "+format+"\n", args...)
}

// printResult prints the result as one JSON object with this process's CPU time added (the
// generator shares the machine with the server under test), as bench/loadgen does.
func printResult(result any) error {
	raw, err := json.Marshal(result)
	if err != nil {
		return err
	}
	fields := map[string]any{}
	if err := json.Unmarshal(raw, &fields); err != nil {
		return err
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		fields["loadgenCpuSeconds"] = round3(time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds())
	}
	return json.NewEncoder(os.Stdout).Encode(fields)
}
