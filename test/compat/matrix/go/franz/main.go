// Compatibility-matrix adapter for franz-go (kgo + kadm).
//
//	franz --bootstrap HOST:PORT --prefix P [--only id,id] [--debug]
//	franz --bootstrap HOST:PORT --hold-group GROUP --topic TOPIC   (one live member; see hold.go)
//
// Runs every scenario of the matrix in order and prints one JSON line per scenario to stdout:
// {"scenario":"<id>","ok":true|false|null,"detail":"..."}. Topics are P-<scenario>, groups
// P-g-<scenario>. Client logs (kgo debug logging with --debug or SLUICE_MATRIX_DEBUG=1) go to
// stderr. Exits 0 once it ran, whatever the scenarios gave.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
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
	bootstrap string
	prefix    string
	debug     bool
)

// budget is the whole run's deadline (the contract allows 120 s); one scenario gets at most
// perScenario of what is left.
const (
	budget      = 110 * time.Second
	perScenario = 25 * time.Second
)

func main() {
	flag.StringVar(&bootstrap, "bootstrap", "", "HOST:PORT")
	flag.StringVar(&prefix, "prefix", "", "topic and group prefix")
	only := flag.String("only", "", "comma-separated scenario ids to run (default: all)")
	flag.BoolVar(&debug, "debug", os.Getenv("SLUICE_MATRIX_DEBUG") == "1", "kgo debug logging to stderr")
	hold := flag.String("hold-group", "", "instead of the scenarios, keep one member in this group")
	holdTopic := flag.String("topic", "", "the topic --hold-group consumes")
	flag.Parse()
	if *hold != "" && bootstrap != "" && *holdTopic != "" {
		os.Exit(holdGroup(*hold, *holdTopic))
	}
	if bootstrap == "" || prefix == "" {
		fmt.Fprintln(os.Stderr, "usage: franz --bootstrap HOST:PORT --prefix P")
		os.Exit(2)
	}

	scenarios := []scenario{
		{"create-topic", createTopicScenario},
		{"produce-keyed-acks-all", produceKeyed},
		{"consume-from-beginning", consumeFromBeginning},
		{"per-key-order", perKeyOrder},
		{"headers", headersScenario},
		{"compression-gzip", compression(kgo.GzipCompression(), "gzip")},
		{"compression-snappy", compression(kgo.SnappyCompression(), "snappy")},
		{"compression-lz4", compression(kgo.Lz4Compression(), "lz4")},
		{"compression-zstd", compression(kgo.ZstdCompression(), "zstd")},
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

func runOne(s scenario, timeout time.Duration) (r result) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			r = fail("panic: %v", p)
		}
	}()
	start := time.Now()
	r = s.run(ctx)
	if ctx.Err() != nil && (r.ok == nil || !*r.ok) {
		r.detail += fmt.Sprintf(" (timed out after %s)", time.Since(start).Round(time.Millisecond))
	}
	return r
}

func topic(id string) string { return prefix + "-" + id }
func group(id string) string { return prefix + "-g-" + id }

// --- clients -------------------------------------------------------------------------------

func newClient(opts ...kgo.Opt) (*kgo.Client, error) {
	base := []kgo.Opt{kgo.SeedBrokers(bootstrap), kgo.ClientID("sluice-matrix-franz")}
	if debug {
		base = append(base, kgo.WithLogger(kgo.BasicLogger(os.Stderr, kgo.LogLevelDebug, func() string {
			return time.Now().Format("15:04:05.000 ")
		})))
	}
	return kgo.NewClient(append(base, opts...)...)
}

func withAdmin(fn func(adm *kadm.Client) result) result {
	cl, err := newClient()
	if err != nil {
		return fail("client: %v", err)
	}
	defer cl.Close()
	return fn(kadm.NewClient(cl))
}

// createTopic creates the topic and waits until metadata shows every partition with a leader.
func createTopic(ctx context.Context, adm *kadm.Client, name string, partitions int32, configs map[string]*string) error {
	resp, err := adm.CreateTopic(ctx, partitions, 1, configs, name)
	if err != nil {
		return fmt.Errorf("CreateTopics: %w", err)
	}
	if resp.Err != nil {
		return fmt.Errorf("CreateTopics: %w (%s)", resp.Err, resp.ErrMessage)
	}
	_, err = waitPartitions(ctx, adm, name, int(partitions))
	return err
}

func waitPartitions(ctx context.Context, adm *kadm.Client, name string, want int) (kadm.TopicDetail, error) {
	var last string
	for {
		md, err := adm.Metadata(ctx, name)
		if err == nil {
			td, ok := md.Topics[name]
			switch {
			case !ok:
				last = "topic missing from metadata"
			case td.Err != nil:
				last = td.Err.Error()
			case len(td.Partitions) != want:
				last = fmt.Sprintf("%d partitions in metadata", len(td.Partitions))
			default:
				leaders := true
				for _, p := range td.Partitions {
					if p.Err != nil || p.Leader < 0 {
						leaders = false
						last = fmt.Sprintf("partition %d: leader %d err %v", p.Partition, p.Leader, p.Err)
					}
				}
				if leaders {
					return td, nil
				}
			}
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return kadm.TopicDetail{}, fmt.Errorf("metadata: %s", last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func produce(ctx context.Context, cl *kgo.Client, rs ...*kgo.Record) error {
	for _, pr := range cl.ProduceSync(ctx, rs...) {
		if pr.Err != nil {
			return fmt.Errorf("produce to %s[%d]: %w", pr.Record.Topic, pr.Record.Partition, pr.Err)
		}
	}
	return nil
}

// consumeN reads the topic from the beginning (no group) until it has n records.
func consumeN(ctx context.Context, name string, n int, opts ...kgo.Opt) ([]*kgo.Record, error) {
	cl, err := newClient(append([]kgo.Opt{kgo.ConsumeTopics(name), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart())}, opts...)...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	return poll(ctx, cl, n)
}

func poll(ctx context.Context, cl *kgo.Client, n int) ([]*kgo.Record, error) {
	var got []*kgo.Record
	for len(got) < n {
		fs := cl.PollRecords(ctx, n-len(got))
		if ctx.Err() != nil {
			return got, fmt.Errorf("read %d of %d records: %w", len(got), n, ctx.Err())
		}
		var ferr error
		fs.EachError(func(t string, p int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
				ferr = fmt.Errorf("fetch %s[%d]: %w", t, p, err)
			}
		})
		if ferr != nil {
			return got, ferr
		}
		got = append(got, fs.Records()...)
	}
	return got, nil
}

// --- scenarios -----------------------------------------------------------------------------

func createTopicScenario(ctx context.Context) result {
	return withAdmin(func(adm *kadm.Client) result {
		name := topic("create-topic")
		resp, err := adm.CreateTopic(ctx, 3, 1, nil, name)
		if err != nil {
			return fail("CreateTopics: %v", err)
		}
		if resp.Err != nil {
			return fail("CreateTopics: %v %s", resp.Err, resp.ErrMessage)
		}
		td, err := waitPartitions(ctx, adm, name, 3)
		if err != nil {
			return fail("created (response partitions=%d) but %v", resp.NumPartitions, err)
		}
		return pass("metadata: %d partitions, topic id %s", len(td.Partitions), td.ID)
	})
}

var (
	keyedOnce    sync.Once
	keyedRecords []*kgo.Record
	keyedErr     error
)

func produceKeyed(ctx context.Context) result {
	name := topic("produce-keyed-acks-all")
	return withAdmin(func(adm *kadm.Client) result {
		if err := createTopic(ctx, adm, name, 3, nil); err != nil {
			return fail("%v", err)
		}
		// acks=all and idempotence are franz-go's defaults; spelled out.
		cl, err := newClient(kgo.RequiredAcks(kgo.AllISRAcks()), kgo.DefaultProduceTopic(name))
		if err != nil {
			return fail("client: %v", err)
		}
		defer cl.Close()
		rs := make([]*kgo.Record, 300)
		for i := range rs {
			rs[i] = &kgo.Record{Key: []byte(fmt.Sprintf("k%d", i%10)), Value: []byte(strconv.Itoa(i))}
		}
		if err := produce(ctx, cl, rs...); err != nil {
			return fail("%v", err)
		}
		perPartition := map[int32]int{}
		for _, r := range rs {
			perPartition[r.Partition]++
		}
		return pass("300 acked (acks=all, idempotent producer id %d epoch %d); per partition %v",
			rs[0].ProducerID, rs[0].ProducerEpoch, perPartition)
	})
}

// keyed reads the 300 records of produce-keyed-acks-all once (shared by two scenarios).
func keyed(ctx context.Context) ([]*kgo.Record, error) {
	keyedOnce.Do(func() {
		keyedRecords, keyedErr = consumeN(ctx, topic("produce-keyed-acks-all"), 300)
	})
	return keyedRecords, keyedErr
}

func consumeFromBeginning(ctx context.Context) result {
	rs, err := keyed(ctx)
	if err != nil {
		return fail("%v", err)
	}
	seen := map[string]bool{}
	parts := map[int32]bool{}
	for _, r := range rs {
		seen[string(r.Value)] = true
		parts[r.Partition] = true
	}
	for i := range 300 {
		if !seen[strconv.Itoa(i)] {
			return fail("read %d records but value %d is missing", len(rs), i)
		}
	}
	return pass("read 300 (values 0..299, from %d partitions)", len(parts))
}

func perKeyOrder(ctx context.Context) result {
	rs, err := keyed(ctx)
	if err != nil {
		return fail("no records: %v", err)
	}
	if len(rs) != 300 {
		return fail("have %d records, want 300", len(rs))
	}
	type last struct {
		partition int32
		offset    int64
		value     int
	}
	byKey := map[string]*last{}
	for _, r := range rs {
		v, err := strconv.Atoi(string(r.Value))
		if err != nil {
			return fail("value %q is not a number", r.Value)
		}
		k := string(r.Key)
		if k != fmt.Sprintf("k%d", v%10) {
			return fail("value %d came with key %q", v, k)
		}
		l := byKey[k]
		if l == nil {
			byKey[k] = &last{r.Partition, r.Offset, v}
			continue
		}
		if l.partition != r.Partition {
			return fail("key %s on partitions %d and %d", k, l.partition, r.Partition)
		}
		if r.Offset > l.offset && v <= l.value || r.Offset < l.offset && v >= l.value {
			return fail("key %s: value %d at offset %d vs value %d at offset %d", k, v, r.Offset, l.value, l.offset)
		}
		if r.Offset > l.offset {
			*l = last{r.Partition, r.Offset, v}
		}
	}
	return pass("10 keys, each on one partition, values increasing with offset")
}

func headersScenario(ctx context.Context) result {
	name := topic("headers")
	return withAdmin(func(adm *kadm.Client) result {
		if err := createTopic(ctx, adm, name, 3, nil); err != nil {
			return fail("%v", err)
		}
		cl, err := newClient(kgo.DefaultProduceTopic(name))
		if err != nil {
			return fail("client: %v", err)
		}
		defer cl.Close()
		rec := &kgo.Record{Value: []byte("with headers"), Headers: []kgo.RecordHeader{{Key: "h1", Value: []byte("v1")}, {Key: "h2", Value: []byte{}}}}
		if err := produce(ctx, cl, rec); err != nil {
			return fail("%v", err)
		}
		rs, err := consumeN(ctx, name, 1)
		if err != nil {
			return fail("%v", err)
		}
		hs := rs[0].Headers
		var got []string
		for _, h := range hs {
			if h.Value == nil {
				got = append(got, h.Key+"=<null>")
			} else {
				got = append(got, fmt.Sprintf("%s=%q", h.Key, h.Value))
			}
		}
		if len(hs) != 2 || hs[0].Key != "h1" || string(hs[0].Value) != "v1" || hs[1].Key != "h2" || hs[1].Value == nil || len(hs[1].Value) != 0 {
			return fail("read back headers %v", got)
		}
		return pass("read back [%s]", strings.Join(got, " "))
	})
}

var codecNames = map[uint8]string{0: "none", 1: "gzip", 2: "snappy", 3: "lz4", 4: "zstd"}

// codecHook records the compression of every batch produced and fetched.
type codecHook struct {
	mu              sync.Mutex
	produced, fetch map[string]bool
}

func (h *codecHook) OnProduceBatchWritten(_ kgo.BrokerMetadata, _ string, _ int32, m kgo.ProduceBatchMetrics) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.produced[codecNames[m.CompressionType]] = true
}

func (h *codecHook) OnFetchBatchRead(_ kgo.BrokerMetadata, _ string, _ int32, m kgo.FetchBatchMetrics) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fetch[codecNames[m.CompressionType]] = true
}

func keys(m map[string]bool) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return strings.Join(ks, ",")
}

func compression(codec kgo.CompressionCodec, codecName string) func(ctx context.Context) result {
	return func(ctx context.Context) result {
		name := topic("compression-" + codecName)
		return withAdmin(func(adm *kadm.Client) result {
			if err := createTopic(ctx, adm, name, 3, nil); err != nil {
				return fail("%v", err)
			}
			hook := &codecHook{produced: map[string]bool{}, fetch: map[string]bool{}}
			cl, err := newClient(kgo.DefaultProduceTopic(name), kgo.ProducerBatchCompression(codec), kgo.WithHooks(hook))
			if err != nil {
				return fail("client: %v", err)
			}
			defer cl.Close()
			value := []byte(strings.Repeat("sluice compresses this! ", 9)[:200])
			rs := make([]*kgo.Record, 50)
			for i := range rs {
				rs[i] = &kgo.Record{Key: []byte("same-key"), Value: value}
			}
			if err := produce(ctx, cl, rs...); err != nil {
				return fail("%v", err)
			}
			got, err := consumeN(ctx, name, 50, kgo.WithHooks(hook))
			if err != nil {
				return fail("%v", err)
			}
			for i, r := range got {
				if string(r.Value) != string(value) {
					return fail("record %d: %d-byte value differs", i, len(r.Value))
				}
			}
			hook.mu.Lock()
			defer hook.mu.Unlock()
			return pass("50 intact; batches produced as %s, fetched as %s", keys(hook.produced), keys(hook.fetch))
		})
	}
}

func nullKeyAndValue(ctx context.Context) result {
	name := topic("null-key-and-value")
	return withAdmin(func(adm *kadm.Client) result {
		if err := createTopic(ctx, adm, name, 3, nil); err != nil {
			return fail("%v", err)
		}
		cl, err := newClient(kgo.DefaultProduceTopic(name))
		if err != nil {
			return fail("client: %v", err)
		}
		defer cl.Close()
		if err := produce(ctx, cl, &kgo.Record{Key: nil, Value: nil}); err != nil {
			return fail("%v", err)
		}
		rs, err := consumeN(ctx, name, 1)
		if err != nil {
			return fail("%v", err)
		}
		r := rs[0]
		if r.Key != nil || r.Value != nil {
			return fail("read back key=%q (nil=%v) value=%q (nil=%v)", r.Key, r.Key == nil, r.Value, r.Value == nil)
		}
		return pass("key and value read back as null")
	})
}

func message1MB(ctx context.Context) result {
	name := topic("message-1mb")
	return withAdmin(func(adm *kadm.Client) result {
		if err := createTopic(ctx, adm, name, 3, nil); err != nil {
			return fail("%v", err)
		}
		// Incompressible and uncompressed, so that the batch on the wire is really ~1 MB.
		// franz-go's default batch limit is 1,000,012 bytes: raised.
		cl, err := newClient(kgo.DefaultProduceTopic(name), kgo.ProducerBatchCompression(kgo.NoCompression()),
			kgo.ProducerBatchMaxBytes(1_048_576))
		if err != nil {
			return fail("client: %v", err)
		}
		defer cl.Close()
		value := make([]byte, 1_000_000)
		rand.New(rand.NewSource(1)).Read(value)
		if err := produce(ctx, cl, &kgo.Record{Key: []byte("big"), Value: value}); err != nil {
			return fail("%v", err)
		}
		rs, err := consumeN(ctx, name, 1)
		if err != nil {
			return fail("%v", err)
		}
		if string(rs[0].Value) != string(value) {
			return fail("read back %d bytes, content differs", len(rs[0].Value))
		}
		return pass("1,000,000-byte value read back intact (partition %d offset %d)", rs[0].Partition, rs[0].Offset)
	})
}

// member is one group member whose assignment is tracked through the rebalance callbacks.
type member struct {
	mu       sync.Mutex
	owned    map[int32]bool
	cl       *kgo.Client
	stopPoll context.CancelFunc
	polled   chan struct{}
}

func (m *member) partitions() []int32 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ps []int32
	for p := range m.owned {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

func startMember(name, grp string) (*member, error) {
	m := &member{owned: map[int32]bool{}, polled: make(chan struct{})}
	update := func(add bool) func(context.Context, *kgo.Client, map[string][]int32) {
		return func(_ context.Context, _ *kgo.Client, ps map[string][]int32) {
			m.mu.Lock()
			defer m.mu.Unlock()
			for _, p := range ps[name] {
				if add {
					m.owned[p] = true
				} else {
					delete(m.owned, p)
				}
			}
		}
	}
	cl, err := newClient(kgo.ConsumerGroup(grp), kgo.ConsumeTopics(name),
		kgo.OnPartitionsAssigned(update(true)), kgo.OnPartitionsRevoked(update(false)), kgo.OnPartitionsLost(update(false)))
	if err != nil {
		return nil, err
	}
	m.cl = cl
	ctx, cancel := context.WithCancel(context.Background())
	m.stopPoll = cancel
	go func() {
		defer close(m.polled)
		for ctx.Err() == nil {
			cl.PollFetches(ctx)
		}
	}()
	return m, nil
}

func (m *member) close() {
	m.stopPoll()
	<-m.polled
	m.cl.Close() // leaves the group
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
	return withAdmin(func(adm *kadm.Client) result {
		if err := createTopic(ctx, adm, name, 4, nil); err != nil {
			return fail("%v", err)
		}
		a, err := startMember(name, grp)
		if err != nil {
			return fail("member a: %v", err)
		}
		defer func() { a.close() }()
		b, err := startMember(name, grp)
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
			return fail("two members never split the 4 partitions: a=%v b=%v", a.partitions(), b.partitions())
		}
		splitDetail := fmt.Sprintf("a=%v b=%v after %s", a.partitions(), b.partitions(), time.Since(start).Round(time.Millisecond))
		start = time.Now()
		b.close()
		bOpen = false
		if !waitFor(ctx, func() bool { return len(a.partitions()) == 4 }) {
			return fail("%s; after b left a owns %v", splitDetail, a.partitions())
		}
		return pass("%s; b left, a owns %v after %s (cooperative-sticky, classic protocol)", splitDetail, a.partitions(),
			time.Since(start).Round(time.Millisecond))
	})
}

// commitAndResume: 20 records on partition 0; a member reads 10 and commits offset 10; a new
// member of the group reads exactly offsets 10..19.
func commitAndResume(ctx context.Context) result {
	name, grp := topic("commit-and-resume"), group("commit-and-resume")
	return withAdmin(func(adm *kadm.Client) result {
		if err := createTopic(ctx, adm, name, 3, nil); err != nil {
			return fail("%v", err)
		}
		pcl, err := newClient(kgo.DefaultProduceTopic(name), kgo.RecordPartitioner(kgo.ManualPartitioner()))
		if err != nil {
			return fail("client: %v", err)
		}
		rs := make([]*kgo.Record, 20)
		for i := range rs {
			rs[i] = &kgo.Record{Partition: 0, Key: []byte("r"), Value: []byte(strconv.Itoa(i))}
		}
		err = produce(ctx, pcl, rs...)
		pcl.Close()
		if err != nil {
			return fail("%v", err)
		}

		groupOpts := []kgo.Opt{kgo.ConsumerGroup(grp), kgo.ConsumeTopics(name), kgo.DisableAutoCommit(),
			kgo.ConsumeResetOffset(kgo.NewOffset().AtStart())}
		first, err := newClient(groupOpts...)
		if err != nil {
			return fail("client: %v", err)
		}
		got, err := poll(ctx, first, 10)
		if err != nil {
			first.Close()
			return fail("first member: %v", err)
		}
		taken := got[:10]
		if offs := offsets(taken); offs != "0:0..9" {
			first.Close()
			return fail("first member's first 10 records are %s, want partition 0 offsets 0..9", offs)
		}
		if err := first.CommitRecords(ctx, taken...); err != nil { // commits partition 0 offset 10
			first.Close()
			return fail("first member commit: %v", err)
		}
		first.Close()

		second, err := newClient(groupOpts...)
		if err != nil {
			return fail("client: %v", err)
		}
		defer second.Close()
		got2, err := poll(ctx, second, 10)
		if err != nil {
			return fail("first read offsets 0..9 and committed 10; second member: %v", err)
		}
		// Anything past the other 10 would be a duplicate: look once more, briefly.
		more, cancel := context.WithTimeout(ctx, time.Second)
		got2 = append(got2, second.PollFetches(more).Records()...)
		cancel()
		if offs := offsets(got2); offs != "0:10..19" {
			return fail("first read offsets 0..9 and committed 10; the new member read %s, want partition 0 offsets 10..19", offs)
		}
		return pass("first member read offsets 0..9 and committed 10; a new member read exactly offsets 10..19")
	})
}

// offsets describes records as "P:FIRST..LAST" when they are one contiguous run of one
// partition, else lists them all.
func offsets(rs []*kgo.Record) string {
	contiguous := len(rs) > 0
	for i, r := range rs {
		if r.Partition != rs[0].Partition || r.Offset != rs[0].Offset+int64(i) {
			contiguous = false
		}
	}
	if contiguous {
		return fmt.Sprintf("%d:%d..%d", rs[0].Partition, rs[0].Offset, rs[len(rs)-1].Offset)
	}
	var parts []string
	for _, r := range rs {
		parts = append(parts, fmt.Sprintf("%d:%d", r.Partition, r.Offset))
	}
	return fmt.Sprintf("%d records [%s]", len(rs), strings.Join(parts, " "))
}

func listOffsetsByTimestamp(ctx context.Context) result {
	name := topic("list-offsets-by-timestamp")
	return withAdmin(func(adm *kadm.Client) result {
		if err := createTopic(ctx, adm, name, 3, nil); err != nil {
			return fail("%v", err)
		}
		cl, err := newClient(kgo.DefaultProduceTopic(name), kgo.RecordPartitioner(kgo.ManualPartitioner()))
		if err != nil {
			return fail("client: %v", err)
		}
		defer cl.Close()
		t0 := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
		rs := make([]*kgo.Record, 5)
		for i := range rs {
			rs[i] = &kgo.Record{Partition: 0, Value: []byte(strconv.Itoa(i)), Timestamp: t0.Add(time.Duration(i) * time.Second)}
		}
		if err := produce(ctx, cl, rs...); err != nil {
			return fail("%v", err)
		}
		lo, err := adm.ListOffsetsAfterMilli(ctx, t0.UnixMilli()+2500, name)
		if err != nil {
			return fail("ListOffsets: %v", err)
		}
		o, ok := lo.Lookup(name, 0)
		if !ok {
			return fail("ListOffsets: no answer for partition 0")
		}
		if o.Err != nil {
			return fail("ListOffsets partition 0: %v", o.Err)
		}
		if o.Offset != 3 {
			return fail("offsetsForTimes(t0+2500) = %d (timestamp t0%+d), want 3", o.Offset, o.Timestamp-t0.UnixMilli())
		}
		return pass("offsetsForTimes(t0+2500) = 3, timestamp t0%+d", o.Timestamp-t0.UnixMilli())
	})
}

func describeConfigs(ctx context.Context) result {
	name := topic("describe-configs")
	return withAdmin(func(adm *kadm.Client) result {
		v := "123456"
		if err := createTopic(ctx, adm, name, 3, map[string]*string{"retention.ms": &v}); err != nil {
			return fail("%v", err)
		}
		rcs, err := adm.DescribeTopicConfigs(ctx, name)
		if err != nil {
			return fail("DescribeConfigs: %v", err)
		}
		rc, err := rcs.On(name, nil)
		if err != nil {
			return fail("DescribeConfigs: %v", err)
		}
		if rc.Err != nil {
			return fail("DescribeConfigs: %v %s", rc.Err, rc.ErrMessage)
		}
		for _, c := range rc.Configs {
			if c.Key == "retention.ms" {
				if c.MaybeValue() != v {
					return fail("retention.ms = %q (source %s)", c.MaybeValue(), c.Source)
				}
				return pass("retention.ms = 123456 (source %s), %d configs described", c.Source, len(rc.Configs))
			}
		}
		return fail("retention.ms not among %d configs", len(rc.Configs))
	})
}

func deleteTopic(ctx context.Context) result {
	name := topic("create-topic")
	return withAdmin(func(adm *kadm.Client) result {
		resp, err := adm.DeleteTopics(ctx, name)
		if err != nil {
			return fail("DeleteTopics: %v", err)
		}
		if r, err := resp.On(name, nil); err != nil || r.Err != nil {
			return fail("DeleteTopics: %v %v %s", err, r.Err, r.ErrMessage)
		}
		start := time.Now()
		for {
			tds, err := adm.ListTopics(ctx)
			if err == nil && !tds.Has(name) {
				return pass("deleted; absent from the topic list after %s", time.Since(start).Round(time.Millisecond))
			}
			select {
			case <-ctx.Done():
				return fail("still listed after delete (list error: %v)", err)
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
}
