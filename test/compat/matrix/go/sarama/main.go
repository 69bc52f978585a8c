// Compatibility-matrix adapter for IBM/sarama.
//
//	sarama --bootstrap HOST:PORT --prefix P [--only id,id] [--debug] [--version 4.3.1]
//
// Runs every scenario of the matrix in order and prints one JSON line per scenario to stdout:
// {"scenario":"<id>","ok":true|false|null,"detail":"..."}. Topics are P-<scenario>, groups
// P-g-<scenario>. config.Version is sarama.MaxVersion (4.3.1 in sarama v1.61.1) unless
// --version or SARAMA_VERSION says otherwise. Client logs (sarama.Logger and DebugLogger, with
// --debug or SLUICE_MATRIX_DEBUG=1) go to stderr. Exits 0 once it ran.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"
)

type result struct {
	ok     *bool
	detail string
}

func pass(format string, a ...any) result {
	t := true
	return result{&t, fmt.Sprintf(format, a...)}
}

func fail(format string, a ...any) result {
	f := false
	return result{&f, fmt.Sprintf(format, a...)}
}

// line is one output line, fields in the contract's order.
type line struct {
	Scenario string `json:"scenario"`
	OK       *bool  `json:"ok"`
	Detail   string `json:"detail"`
}

type scenario struct {
	id  string
	run func(ctx context.Context) result
}

var (
	brokers []string
	prefix  string
	version sarama.KafkaVersion
)

const (
	budget      = 110 * time.Second
	perScenario = 25 * time.Second
)

func main() {
	bootstrap := flag.String("bootstrap", "", "HOST:PORT")
	flag.StringVar(&prefix, "prefix", "", "topic and group prefix")
	only := flag.String("only", "", "comma-separated scenario ids to run (default: all)")
	debug := flag.Bool("debug", os.Getenv("SLUICE_MATRIX_DEBUG") == "1", "sarama logging to stderr")
	ver := flag.String("version", os.Getenv("SARAMA_VERSION"), "Kafka version for config.Version (default: sarama.MaxVersion)")
	flag.Parse()
	if *bootstrap == "" || prefix == "" {
		fmt.Fprintln(os.Stderr, "usage: sarama --bootstrap HOST:PORT --prefix P")
		os.Exit(2)
	}
	brokers = []string{*bootstrap}
	version = sarama.MaxVersion
	if *ver != "" {
		v, err := sarama.ParseKafkaVersion(*ver)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		version = v
	}
	if *debug {
		sarama.Logger = log.New(os.Stderr, "[sarama] ", log.Lmicroseconds)
		sarama.DebugLogger = log.New(os.Stderr, "[sarama-debug] ", log.Lmicroseconds)
	}

	scenarios := []scenario{
		{"create-topic", createTopicScenario},
		{"produce-keyed-acks-all", produceKeyed},
		{"consume-from-beginning", consumeFromBeginning},
		{"per-key-order", perKeyOrder},
		{"headers", headersScenario},
		{"compression-gzip", compression(sarama.CompressionGZIP, "gzip")},
		{"compression-snappy", compression(sarama.CompressionSnappy, "snappy")},
		{"compression-lz4", compression(sarama.CompressionLZ4, "lz4")},
		{"compression-zstd", compression(sarama.CompressionZSTD, "zstd")},
		{"null-key-and-value", nullKeyAndValue},
		{"message-1mb", message1MB},
		{"group-rebalance", groupRebalance},
		{"commit-and-resume", commitAndResume},
		{"list-offsets-by-timestamp", listOffsetsByTimestamp},
		{"describe-configs", describeConfigs},
		{"delete-topic", deleteTopic},
	}
	want := map[string]bool{}
	for _, id := range strings.Split(*only, ",") {
		if id != "" {
			want[id] = true
		}
	}
	deadline := time.Now().Add(budget)
	out := json.NewEncoder(os.Stdout)
	for _, s := range scenarios {
		if len(want) > 0 && !want[s.id] {
			continue
		}
		left := time.Until(deadline)
		var r result
		if left < 2*time.Second {
			r = fail("not run: the adapter's %s budget was used up", budget)
		} else {
			began := time.Now()
			r = runOne(s, min(left, perScenario))
			fmt.Fprintf(os.Stderr, "scenario %s: %s\n", s.id, time.Since(began).Round(time.Millisecond))
		}
		_ = out.Encode(line{s.id, r.ok, r.detail})
	}
}

// runOne runs a scenario in its own goroutine: sarama's calls take no context, so a hung call
// is abandoned (and reported) at the deadline rather than waited for.
func runOne(s scenario, timeout time.Duration) result {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fail("panic: %v", p)
			}
		}()
		done <- s.run(ctx)
	}()
	select {
	case r := <-done:
		if ctx.Err() != nil && (r.ok == nil || !*r.ok) {
			r.detail += fmt.Sprintf(" (timed out after %s)", time.Since(start).Round(time.Millisecond))
		}
		return r
	case <-time.After(timeout + 3*time.Second):
		return fail("hung: no result after %s", time.Since(start).Round(time.Millisecond))
	}
}

func topic(id string) string { return prefix + "-" + id }
func group(id string) string { return prefix + "-g-" + id }

// --- clients -------------------------------------------------------------------------------

func newConfig() *sarama.Config {
	c := sarama.NewConfig()
	c.Version = version
	c.ClientID = "sluice-matrix-sarama"
	c.Metadata.Retry.Max = 10
	c.Metadata.Retry.Backoff = 200 * time.Millisecond
	c.Producer.Return.Successes = true
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Idempotent = true
	c.Net.MaxOpenRequests = 1 // required by Idempotent
	c.Producer.Retry.Max = 5
	c.Consumer.Return.Errors = true
	c.Consumer.Offsets.Initial = sarama.OffsetOldest
	return c
}

func withAdmin(fn func(adm sarama.ClusterAdmin) result) result {
	adm, err := sarama.NewClusterAdmin(brokers, newConfig())
	if err != nil {
		return fail("admin: %v", err)
	}
	defer adm.Close()
	return fn(adm)
}

func createTopic(ctx context.Context, adm sarama.ClusterAdmin, name string, partitions int32, configs map[string]*string) error {
	err := adm.CreateTopic(name, &sarama.TopicDetail{NumPartitions: partitions, ReplicationFactor: 1, ConfigEntries: configs}, false)
	if err != nil {
		return fmt.Errorf("CreateTopics: %w", err)
	}
	_, err = waitPartitions(ctx, adm, name, int(partitions))
	return err
}

func waitPartitions(ctx context.Context, adm sarama.ClusterAdmin, name string, want int) (*sarama.TopicMetadata, error) {
	var last string
	for {
		mds, err := adm.DescribeTopics([]string{name})
		switch {
		case err != nil:
			last = err.Error()
		case len(mds) != 1:
			last = fmt.Sprintf("%d topics in metadata", len(mds))
		case !errors.Is(mds[0].Err, sarama.ErrNoError):
			last = mds[0].Err.Error()
		case len(mds[0].Partitions) != want:
			last = fmt.Sprintf("%d partitions in metadata", len(mds[0].Partitions))
		default:
			ok := true
			for _, p := range mds[0].Partitions {
				if !errors.Is(p.Err, sarama.ErrNoError) || p.Leader < 0 {
					ok = false
					last = fmt.Sprintf("partition %d: leader %d err %v", p.ID, p.Leader, p.Err)
				}
			}
			if ok {
				return mds[0], nil
			}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("metadata: %s", last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func produce(cfg *sarama.Config, msgs ...*sarama.ProducerMessage) error {
	p, err := sarama.NewSyncProducer(brokers, cfg)
	if err != nil {
		return fmt.Errorf("producer: %w", err)
	}
	defer p.Close()
	if err := p.SendMessages(msgs); err != nil {
		var pe sarama.ProducerErrors
		if errors.As(err, &pe) && len(pe) > 0 {
			return fmt.Errorf("produce: %d failed, first: %w", len(pe), pe[0].Err)
		}
		return fmt.Errorf("produce: %w", err)
	}
	return nil
}

// consumeN reads every partition of the topic from the oldest offset (no group) until it has n
// messages.
func consumeN(ctx context.Context, name string, n int, cfg *sarama.Config) ([]*sarama.ConsumerMessage, error) {
	if cfg == nil {
		cfg = newConfig()
	}
	c, err := sarama.NewConsumer(brokers, cfg)
	if err != nil {
		return nil, fmt.Errorf("consumer: %w", err)
	}
	defer c.Close()
	parts, err := c.Partitions(name)
	if err != nil {
		return nil, fmt.Errorf("partitions: %w", err)
	}
	msgs := make(chan *sarama.ConsumerMessage)
	errs := make(chan error, 1)
	stop := make(chan struct{})
	defer close(stop)
	for _, p := range parts {
		// A partition created a moment ago can answer NOT_LEADER_OR_FOLLOWER at first (Kafka
		// does); sarama does not retry ConsumePartition itself.
		pc, err := c.ConsumePartition(name, p, sarama.OffsetOldest)
		for err != nil && ctx.Err() == nil && (errors.Is(err, sarama.ErrNotLeaderForPartition) ||
			errors.Is(err, sarama.ErrUnknownTopicOrPartition) || errors.Is(err, sarama.ErrLeaderNotAvailable)) {
			time.Sleep(200 * time.Millisecond)
			pc, err = c.ConsumePartition(name, p, sarama.OffsetOldest)
		}
		if err != nil {
			return nil, fmt.Errorf("consume partition %d: %w", p, err)
		}
		defer pc.AsyncClose()
		go func() {
			for {
				select {
				case m, ok := <-pc.Messages():
					if !ok {
						return
					}
					select {
					case msgs <- m:
					case <-stop:
						return
					}
				case e, ok := <-pc.Errors():
					if ok {
						select {
						case errs <- e:
						default:
						}
					}
				case <-stop:
					return
				}
			}
		}()
	}
	var got []*sarama.ConsumerMessage
	var lastErr error
	for len(got) < n {
		select {
		case m := <-msgs:
			got = append(got, m)
		case e := <-errs:
			lastErr = e
		case <-ctx.Done():
			return got, fmt.Errorf("read %d of %d messages (last consumer error: %v)", len(got), n, lastErr)
		}
	}
	return got, nil
}

// --- scenarios -----------------------------------------------------------------------------

func createTopicScenario(ctx context.Context) result {
	return withAdmin(func(adm sarama.ClusterAdmin) result {
		name := topic("create-topic")
		if err := adm.CreateTopic(name, &sarama.TopicDetail{NumPartitions: 3, ReplicationFactor: 1}, false); err != nil {
			return fail("CreateTopics: %v", err)
		}
		md, err := waitPartitions(ctx, adm, name, 3)
		if err != nil {
			return fail("created but %v", err)
		}
		return pass("metadata: %d partitions (config.Version %s)", len(md.Partitions), version)
	})
}

var (
	keyedOnce sync.Once
	keyedMsgs []*sarama.ConsumerMessage
	keyedErr  error
)

func produceKeyed(ctx context.Context) result {
	name := topic("produce-keyed-acks-all")
	return withAdmin(func(adm sarama.ClusterAdmin) result {
		if err := createTopic(ctx, adm, name, 3, nil); err != nil {
			return fail("%v", err)
		}
		msgs := make([]*sarama.ProducerMessage, 300)
		for i := range msgs {
			msgs[i] = &sarama.ProducerMessage{Topic: name, Key: sarama.StringEncoder(fmt.Sprintf("k%d", i%10)),
				Value: sarama.StringEncoder(strconv.Itoa(i))}
		}
		if err := produce(newConfig(), msgs...); err != nil {
			return fail("%v", err)
		}
		perPartition := map[int32]int{}
		for _, m := range msgs {
			perPartition[m.Partition]++
		}
		return pass("300 acked (acks=all, idempotent); per partition %v", perPartition)
	})
}

func keyed(ctx context.Context) ([]*sarama.ConsumerMessage, error) {
	keyedOnce.Do(func() {
		keyedMsgs, keyedErr = consumeN(ctx, topic("produce-keyed-acks-all"), 300, nil)
	})
	return keyedMsgs, keyedErr
}

func consumeFromBeginning(ctx context.Context) result {
	ms, err := keyed(ctx)
	if err != nil {
		return fail("%v", err)
	}
	seen := map[string]bool{}
	parts := map[int32]bool{}
	for _, m := range ms {
		seen[string(m.Value)] = true
		parts[m.Partition] = true
	}
	for i := range 300 {
		if !seen[strconv.Itoa(i)] {
			return fail("read %d messages but value %d is missing", len(ms), i)
		}
	}
	return pass("read 300 (values 0..299, from %d partitions)", len(parts))
}

func perKeyOrder(ctx context.Context) result {
	ms, err := keyed(ctx)
	if err != nil {
		return fail("no messages: %v", err)
	}
	if len(ms) != 300 {
		return fail("have %d messages, want 300", len(ms))
	}
	type last struct {
		partition int32
		offset    int64
		value     int
	}
	byKey := map[string]*last{}
	for _, m := range ms {
		v, err := strconv.Atoi(string(m.Value))
		if err != nil {
			return fail("value %q is not a number", m.Value)
		}
		k := string(m.Key)
		if k != fmt.Sprintf("k%d", v%10) {
			return fail("value %d came with key %q", v, k)
		}
		l := byKey[k]
		if l == nil {
			byKey[k] = &last{m.Partition, m.Offset, v}
			continue
		}
		if l.partition != m.Partition {
			return fail("key %s on partitions %d and %d", k, l.partition, m.Partition)
		}
		if m.Offset > l.offset && v <= l.value || m.Offset < l.offset && v >= l.value {
			return fail("key %s: value %d at offset %d vs value %d at offset %d", k, v, m.Offset, l.value, l.offset)
		}
		if m.Offset > l.offset {
			*l = last{m.Partition, m.Offset, v}
		}
	}
	return pass("10 keys, each on one partition, values increasing with offset")
}

func headersScenario(ctx context.Context) result {
	name := topic("headers")
	return withAdmin(func(adm sarama.ClusterAdmin) result {
		if err := createTopic(ctx, adm, name, 3, nil); err != nil {
			return fail("%v", err)
		}
		msg := &sarama.ProducerMessage{Topic: name, Value: sarama.StringEncoder("with headers"),
			Headers: []sarama.RecordHeader{{Key: []byte("h1"), Value: []byte("v1")}, {Key: []byte("h2"), Value: []byte{}}}}
		if err := produce(newConfig(), msg); err != nil {
			return fail("%v", err)
		}
		ms, err := consumeN(ctx, name, 1, nil)
		if err != nil {
			return fail("%v", err)
		}
		hs := ms[0].Headers
		var got []string
		for _, h := range hs {
			if h.Value == nil {
				got = append(got, string(h.Key)+"=<null>")
			} else {
				got = append(got, fmt.Sprintf("%s=%q", h.Key, h.Value))
			}
		}
		if len(hs) != 2 || string(hs[0].Key) != "h1" || string(hs[0].Value) != "v1" || string(hs[1].Key) != "h2" || len(hs[1].Value) != 0 {
			return fail("read back headers %v", got)
		}
		return pass("read back [%s]", strings.Join(got, " "))
	})
}

func compression(codec sarama.CompressionCodec, codecName string) func(ctx context.Context) result {
	return func(ctx context.Context) result {
		name := topic("compression-" + codecName)
		return withAdmin(func(adm sarama.ClusterAdmin) result {
			if err := createTopic(ctx, adm, name, 3, nil); err != nil {
				return fail("%v", err)
			}
			cfg := newConfig()
			cfg.Producer.Compression = codec
			cfg.Producer.Flush.Messages = 50 // one batch of 50
			cfg.Producer.Flush.Frequency = 100 * time.Millisecond
			value := strings.Repeat("sluice compresses this! ", 9)[:200]
			msgs := make([]*sarama.ProducerMessage, 50)
			for i := range msgs {
				msgs[i] = &sarama.ProducerMessage{Topic: name, Key: sarama.StringEncoder("same-key"), Value: sarama.StringEncoder(value)}
			}
			if err := produce(cfg, msgs...); err != nil {
				return fail("%v", err)
			}
			got, err := consumeN(ctx, name, 50, nil)
			if err != nil {
				return fail("%v", err)
			}
			for i, m := range got {
				if string(m.Value) != value {
					return fail("message %d: %d-byte value differs", i, len(m.Value))
				}
			}
			return pass("50 produced with %s, read back intact", codecName)
		})
	}
}

func nullKeyAndValue(ctx context.Context) result {
	name := topic("null-key-and-value")
	return withAdmin(func(adm sarama.ClusterAdmin) result {
		if err := createTopic(ctx, adm, name, 3, nil); err != nil {
			return fail("%v", err)
		}
		if err := produce(newConfig(), &sarama.ProducerMessage{Topic: name}); err != nil {
			return fail("%v", err)
		}
		ms, err := consumeN(ctx, name, 1, nil)
		if err != nil {
			return fail("%v", err)
		}
		m := ms[0]
		if m.Key != nil || m.Value != nil {
			return fail("read back key=%q (nil=%v) value=%q (nil=%v)", m.Key, m.Key == nil, m.Value, m.Value == nil)
		}
		return pass("key and value read back as null")
	})
}

func message1MB(ctx context.Context) result {
	name := topic("message-1mb")
	return withAdmin(func(adm sarama.ClusterAdmin) result {
		if err := createTopic(ctx, adm, name, 3, nil); err != nil {
			return fail("%v", err)
		}
		cfg := newConfig()
		cfg.Producer.MaxMessageBytes = 1_048_576 // default 1,000,000 counts the record overhead too
		value := make([]byte, 1_000_000)
		rand.New(rand.NewSource(1)).Read(value)
		if err := produce(cfg, &sarama.ProducerMessage{Topic: name, Key: sarama.StringEncoder("big"), Value: sarama.ByteEncoder(value)}); err != nil {
			return fail("%v", err)
		}
		ms, err := consumeN(ctx, name, 1, nil)
		if err != nil {
			return fail("%v", err)
		}
		if string(ms[0].Value) != string(value) {
			return fail("read back %d bytes, content differs", len(ms[0].Value))
		}
		return pass("1,000,000-byte value read back intact (partition %d offset %d)", ms[0].Partition, ms[0].Offset)
	})
}

// member is one consumer-group member; owned is its claims in the current session.
type member struct {
	mu       sync.Mutex
	owned    []int32
	errs     []string
	grp      sarama.ConsumerGroup
	cancel   context.CancelFunc
	done     chan struct{}
	consumed func(sess sarama.ConsumerGroupSession, m *sarama.ConsumerMessage)
	topic    string
}

func (m *member) Setup(sess sarama.ConsumerGroupSession) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.owned = slices.Clone(sess.Claims()[m.topic])
	slices.Sort(m.owned)
	return nil
}

func (m *member) Cleanup(sarama.ConsumerGroupSession) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.owned = nil
	return nil
}

func (m *member) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for {
		select {
		case msg, ok := <-claim.Messages():
			if !ok {
				return nil
			}
			if m.consumed != nil {
				m.consumed(sess, msg)
			}
		case <-sess.Context().Done():
			return nil
		}
	}
}

func (m *member) partitions() []int32 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.owned)
}

func (m *member) lastErrors() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.errs) == 0 {
		return "none"
	}
	return strings.Join(m.errs[max(0, len(m.errs)-3):], "; ")
}

func startMember(cfg *sarama.Config, name, grpID string, consumed func(sarama.ConsumerGroupSession, *sarama.ConsumerMessage)) (*member, error) {
	g, err := sarama.NewConsumerGroup(brokers, grpID, cfg)
	if err != nil {
		return nil, err
	}
	m := &member{grp: g, done: make(chan struct{}), consumed: consumed, topic: name}
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	go func() {
		for e := range g.Errors() {
			m.mu.Lock()
			m.errs = append(m.errs, e.Error())
			m.mu.Unlock()
		}
	}()
	go func() {
		defer close(m.done)
		for ctx.Err() == nil {
			if err := g.Consume(ctx, []string{name}, m); err != nil {
				m.mu.Lock()
				m.errs = append(m.errs, "Consume: "+err.Error())
				m.mu.Unlock()
				if errors.Is(err, sarama.ErrClosedConsumerGroup) {
					return
				}
				time.Sleep(200 * time.Millisecond)
			}
		}
	}()
	return m, nil
}

// close ends the session and leaves the group (sarama sends LeaveGroup on Close).
func (m *member) close() {
	m.cancel()
	<-m.done
	_ = m.grp.Close()
}

func waitFor(ctx context.Context, cond func() bool) bool {
	for !cond() {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(50 * time.Millisecond):
		}
	}
	return true
}

func groupRebalance(ctx context.Context) result {
	name, grp := topic("group-rebalance"), group("group-rebalance")
	return withAdmin(func(adm sarama.ClusterAdmin) result {
		if err := createTopic(ctx, adm, name, 4, nil); err != nil {
			return fail("%v", err)
		}
		a, err := startMember(newConfig(), name, grp, nil)
		if err != nil {
			return fail("member a: %v", err)
		}
		defer a.close()
		b, err := startMember(newConfig(), name, grp, nil)
		if err != nil {
			return fail("member b: %v", err)
		}
		bOpen := true
		defer func() {
			if bOpen {
				b.close()
			}
		}()
		start := time.Now()
		split := func() bool {
			pa, pb := a.partitions(), b.partitions()
			if len(pa) == 0 || len(pb) == 0 || len(pa)+len(pb) != 4 {
				return false
			}
			for _, p := range pa {
				if slices.Contains(pb, p) {
					return false
				}
			}
			return true
		}
		if !waitFor(ctx, split) {
			return fail("two members never split the 4 partitions: a=%v b=%v (errors a: %s; b: %s)",
				a.partitions(), b.partitions(), a.lastErrors(), b.lastErrors())
		}
		splitDetail := fmt.Sprintf("a=%v b=%v after %s", a.partitions(), b.partitions(), time.Since(start).Round(time.Millisecond))
		start = time.Now()
		b.close()
		bOpen = false
		if !waitFor(ctx, func() bool { return len(a.partitions()) == 4 }) {
			return fail("%s; after b left a owns %v (errors: %s)", splitDetail, a.partitions(), a.lastErrors())
		}
		return pass("%s; b left, a owns %v after %s (range strategy)", splitDetail, a.partitions(),
			time.Since(start).Round(time.Millisecond))
	})
}

// commitAndResume: 20 messages on partition 0; a member reads 10 and commits offset 10; a new
// member of the group reads exactly offsets 10..19.
func commitAndResume(ctx context.Context) result {
	name, grp := topic("commit-and-resume"), group("commit-and-resume")
	return withAdmin(func(adm sarama.ClusterAdmin) result {
		if err := createTopic(ctx, adm, name, 3, nil); err != nil {
			return fail("%v", err)
		}
		pcfg := newConfig()
		pcfg.Producer.Partitioner = sarama.NewManualPartitioner
		msgs := make([]*sarama.ProducerMessage, 20)
		for i := range msgs {
			msgs[i] = &sarama.ProducerMessage{Topic: name, Partition: 0, Key: sarama.StringEncoder("r"), Value: sarama.StringEncoder(strconv.Itoa(i))}
		}
		if err := produce(pcfg, msgs...); err != nil {
			return fail("%v", err)
		}
		cfg := newConfig()
		cfg.Consumer.Offsets.AutoCommit.Enable = false

		// First member: marks the first 10 messages it is given, commits (offset 10) and leaves.
		var mu sync.Mutex
		var taken []*sarama.ConsumerMessage
		committedCh := make(chan struct{})
		first, err := startMember(cfg, name, grp, func(sess sarama.ConsumerGroupSession, msg *sarama.ConsumerMessage) {
			mu.Lock()
			defer mu.Unlock()
			if len(taken) >= 10 {
				return
			}
			taken = append(taken, msg)
			sess.MarkMessage(msg, "")
			if len(taken) == 10 {
				sess.Commit()
				close(committedCh)
			}
		})
		if err != nil {
			return fail("first member: %v", err)
		}
		select {
		case <-committedCh:
		case <-ctx.Done():
			first.close()
			mu.Lock()
			defer mu.Unlock()
			return fail("first member read %d of 10 (errors: %s)", len(taken), first.lastErrors())
		}
		first.close()
		firstErrs := first.lastErrors()
		mu.Lock()
		firstOffs := offsets(taken)
		mu.Unlock()
		if firstOffs != "0:0..9" {
			return fail("first member's first 10 messages are %s, want partition 0 offsets 0..9", firstOffs)
		}

		// Second member: reads what it gets; it must be exactly offsets 10..19.
		var got []*sarama.ConsumerMessage
		second, err := startMember(cfg, name, grp, func(_ sarama.ConsumerGroupSession, msg *sarama.ConsumerMessage) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, msg)
		})
		if err != nil {
			return fail("second member: %v", err)
		}
		count := func() int {
			mu.Lock()
			defer mu.Unlock()
			return len(got)
		}
		if waitFor(ctx, func() bool { return count() >= 10 }) {
			time.Sleep(time.Second) // anything more would be a duplicate
		}
		second.close()
		mu.Lock()
		defer mu.Unlock()
		if offs := offsets(got); offs != "0:10..19" {
			return fail("first read offsets 0..9 and committed 10 (errors: %s); the new member read %s, want partition 0 offsets 10..19 (errors: %s)",
				firstErrs, offs, second.lastErrors())
		}
		return pass("first member read offsets 0..9 and committed 10; a new member read exactly offsets 10..19")
	})
}

// offsets describes messages as "P:FIRST..LAST" when they are one contiguous run of one
// partition, else lists them all.
func offsets(ms []*sarama.ConsumerMessage) string {
	contiguous := len(ms) > 0
	for i, m := range ms {
		if m.Partition != ms[0].Partition || m.Offset != ms[0].Offset+int64(i) {
			contiguous = false
		}
	}
	if contiguous {
		return fmt.Sprintf("%d:%d..%d", ms[0].Partition, ms[0].Offset, ms[len(ms)-1].Offset)
	}
	var parts []string
	for _, m := range ms {
		parts = append(parts, fmt.Sprintf("%d:%d", m.Partition, m.Offset))
	}
	return fmt.Sprintf("%d messages [%s]", len(ms), strings.Join(parts, " "))
}

func listOffsetsByTimestamp(ctx context.Context) result {
	name := topic("list-offsets-by-timestamp")
	return withAdmin(func(adm sarama.ClusterAdmin) result {
		if err := createTopic(ctx, adm, name, 3, nil); err != nil {
			return fail("%v", err)
		}
		cfg := newConfig()
		cfg.Producer.Partitioner = sarama.NewManualPartitioner
		t0 := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
		msgs := make([]*sarama.ProducerMessage, 5)
		for i := range msgs {
			msgs[i] = &sarama.ProducerMessage{Topic: name, Partition: 0, Value: sarama.StringEncoder(strconv.Itoa(i)),
				Timestamp: t0.Add(time.Duration(i) * time.Second)}
		}
		if err := produce(cfg, msgs...); err != nil {
			return fail("%v", err)
		}
		cl, err := sarama.NewClient(brokers, newConfig())
		if err != nil {
			return fail("client: %v", err)
		}
		defer cl.Close()
		off, err := cl.GetOffset(name, 0, t0.UnixMilli()+2500)
		if err != nil {
			return fail("ListOffsets: %v", err)
		}
		if off != 3 {
			return fail("offsetsForTimes(t0+2500) = %d, want 3", off)
		}
		return pass("offsetsForTimes(t0+2500) = 3")
	})
}

func describeConfigs(ctx context.Context) result {
	name := topic("describe-configs")
	return withAdmin(func(adm sarama.ClusterAdmin) result {
		v := "123456"
		if err := createTopic(ctx, adm, name, 3, map[string]*string{"retention.ms": &v}); err != nil {
			return fail("%v", err)
		}
		entries, err := adm.DescribeConfig(sarama.ConfigResource{Type: sarama.TopicResource, Name: name})
		if err != nil {
			return fail("DescribeConfigs: %v", err)
		}
		for _, e := range entries {
			if e.Name == "retention.ms" {
				if e.Value != v {
					return fail("retention.ms = %q (source %s)", e.Value, e.Source)
				}
				return pass("retention.ms = 123456 (source %s), %d configs described", e.Source, len(entries))
			}
		}
		return fail("retention.ms not among %d configs", len(entries))
	})
}

func deleteTopic(ctx context.Context) result {
	name := topic("create-topic")
	return withAdmin(func(adm sarama.ClusterAdmin) result {
		if err := adm.DeleteTopic(name); err != nil {
			return fail("DeleteTopics: %v", err)
		}
		start := time.Now()
		for {
			ts, err := adm.ListTopics()
			if err == nil {
				if _, ok := ts[name]; !ok {
					return pass("deleted; absent from the topic list after %s", time.Since(start).Round(time.Millisecond))
				}
			}
			select {
			case <-ctx.Done():
				return fail("still listed after delete (list error: %v)", err)
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
}
