// Command loadgen-rdkafka is the librdkafka load generator of the benchmark (through
// confluent-kafka-go, whose module carries a static librdkafka): the second client, beside
// franz-go in bench/loadgen, so that a figure does not hang on one client's habits.
//
//	loadgen-rdkafka produce --brokers B --topic T --records N --size S --acks all|1
//	loadgen-rdkafka consume --brokers B --topic T --records N
//	loadgen-rdkafka e2e     --brokers B --topic T --rate R --duration D --size S [--acks all]
//	loadgen-rdkafka version   (the librdkafka version)
//
// Every client setting is librdkafka's default except acks (and linger 0 for e2e) and the
// consumer's fetch.queue.backoff.ms (see consumer in consume.go). Each
// subcommand prints one JSON object on stdout, in the shape bench/loadgen prints, and exits 0;
// or prints an error on stderr and exits 1.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

var commands = map[string]func(args []string) (any, error){
	"produce": runProduce,
	"consume": runConsume,
	"e2e":     runE2E,
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "version" {
		fmt.Println(libVersion())
		return
	}
	if len(os.Args) < 2 || commands[os.Args[1]] == nil {
		fmt.Fprintln(os.Stderr, "Usage: loadgen-rdkafka produce|consume|e2e [flags] (-h for the flags)")
		os.Exit(2)
	}
	result, err := commands[os.Args[1]](os.Args[2:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "loadgen-rdkafka %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	// The generator's own CPU time, as bench/loadgen reports it: it shares the cores with the broker.
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	raw, _ := json.Marshal(result)
	fields := map[string]any{}
	_ = json.Unmarshal(raw, &fields)
	fields["loadgenCpuSeconds"] = round3(cpu.Seconds())
	fields["client"] = "librdkafka " + libVersion()
	out, _ := json.Marshal(fields)
	fmt.Println(string(out))
}

func libVersion() string {
	_, v := kafka.LibraryVersion()
	return v
}

// common are the flags every subcommand takes.
type common struct {
	brokers string
	topic   string
	timeout time.Duration
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.brokers, "brokers", "", "bootstrap address, host:port")
	fs.StringVar(&c.topic, "topic", "", "topic")
	fs.DurationVar(&c.timeout, "timeout", 120*time.Second, "give up after this long and report what was done")
}

func parse(fs *flag.FlagSet, c *common, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.brokers == "" || c.topic == "" {
		return fmt.Errorf("--brokers and --topic are required")
	}
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadgen-rdkafka: "+format+"\n", args...)
}

// partitions asks the broker how many partitions the topic has.
func partitions(h interface {
	GetMetadata(*string, bool, int) (*kafka.Metadata, error)
}, topic string) ([]int32, error) {
	md, err := h.GetMetadata(&topic, false, 10_000)
	if err != nil {
		return nil, fmt.Errorf("metadata: %w", err)
	}
	t, ok := md.Topics[topic]
	if !ok || t.Error.Code() != kafka.ErrNoError || len(t.Partitions) == 0 {
		return nil, fmt.Errorf("topic %s: no partitions (%v)", topic, t.Error)
	}
	out := make([]int32, 0, len(t.Partitions))
	for _, p := range t.Partitions {
		out = append(out, p.ID)
	}
	return out, nil
}
