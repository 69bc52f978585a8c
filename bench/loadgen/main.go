// Command loadgen is Sluice's Kafka load generator: the same client (franz-go) drives every
// broker in a benchmark run, so that figures compare brokers and not clients.
//
//	loadgen create-topic --brokers B --topic T --partitions P
//	loadgen wait-ready   --brokers B [--timeout 120s]
//	loadgen produce      --brokers B --topic T --records N --size S --acks all|1 [--linger-ms 5] [--batch-bytes 1048576]
//	loadgen consume      --brokers B --topic T [--records N]
//	loadgen e2e          --brokers B --topic T --rate R --duration D --size S [--acks all]
//	loadgen group        --brokers B --topic T --members M [--records N | --first-records --repeat R]
//	loadgen produce-file --brokers B --topic T --file F
//	loadgen count        --brokers B --expect topic=N,topic=N [--grace 2s]
//	loadgen pipeline-e2e --brokers B --topic T --out O --file F --rate R --duration D [--expect N]
//
// Each subcommand prints one JSON object on stdout and exits 0, or prints an error on stderr
// and exits 1. Progress and diagnostics go to stderr.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

type command struct {
	summary string
	run     func(args []string) (any, error)
}

var commands = map[string]command{
	"create-topic": {"create a topic and wait until every partition has a leader", runCreateTopic},
	"wait-ready":   {"wait until a broker answers ApiVersions; print when", runWaitReady},
	"wait-offset":  {"wait until ListOffsets (latest) of a partition reaches --min; print when", runWaitOffset},
	"produce":      {"produce N records as fast as possible; throughput and ack latency", runProduce},
	"consume":      {"read a topic from the start without a group; throughput", runConsume},
	"e2e":          {"produce at a fixed rate and consume at the tail; end-to-end latency", runE2E},
	"group":        {"M members of one consumer group: throughput, or time to first records (rebalance)", runGroup},
	"produce-file": {"produce the keyed records of a file (bench/pipeline.ts writes it) as fast as possible", runProduceFile},
	"count":        {"read topics from the start until each holds an expected count; when that was", runCount},
	"pipeline-e2e": {"produce a file's records at a fixed rate with sentAt; latency to an output topic", runPipelineE2E},
}

func usage() {
	fmt.Fprintln(os.Stderr, "Usage: loadgen <command> [flags]\n\nCommands:")
	for _, name := range []string{"create-topic", "wait-ready", "wait-offset", "produce", "consume", "e2e", "group", "produce-file", "count", "pipeline-e2e"} {
		fmt.Fprintf(os.Stderr, "  %-13s %s\n", name, commands[name].summary)
	}
	fmt.Fprintln(os.Stderr, "\nRun 'loadgen <command> -h' for its flags.")
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	cmd, ok := commands[os.Args[1]]
	if !ok {
		usage()
		os.Exit(2)
	}
	result, err := cmd.run(os.Args[2:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "loadgen %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	if err := printResult(result); err != nil {
		fmt.Fprintf(os.Stderr, "loadgen: %v\n", err)
		os.Exit(1)
	}
}

// common holds the flags every broker-facing subcommand takes.
type common struct {
	brokers string
	topic   string
	timeout time.Duration
}

func (c *common) register(fs *flag.FlagSet, needTopic bool) {
	fs.StringVar(&c.brokers, "brokers", "127.0.0.1:9092", "comma-separated bootstrap brokers")
	if needTopic {
		fs.StringVar(&c.topic, "topic", "", "topic name (required)")
	}
	fs.DurationVar(&c.timeout, "timeout", 5*time.Minute, "give up after this long")
}

func (c *common) check(needTopic bool) error {
	if c.brokers == "" {
		return fmt.Errorf("--brokers is required")
	}
	if needTopic && c.topic == "" {
		return fmt.Errorf("--topic is required")
	}
	return nil
}

func (c *common) seeds() []string { return strings.Split(c.brokers, ",") }

// baseOpts are the client options shared by every subcommand.
func (c *common) baseOpts() []kgo.Opt {
	return []kgo.Opt{
		kgo.SeedBrokers(c.seeds()...),
		kgo.ClientID("sluice-loadgen"),
	}
}

func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(os.Stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadgen: "+format+"\n", args...)
}

// printResult prints the result as one JSON object, with the CPU time this process used
// (the generator shares the machine with the broker, so its cost is part of the picture).
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
		cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		fields["loadgenCpuSeconds"] = round3(cpu.Seconds())
	}
	return json.NewEncoder(os.Stdout).Encode(fields)
}
