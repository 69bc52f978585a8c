package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// The group subcommand runs M members of one consumer group in this one process: M kgo
// clients, each with kgo.ConsumerGroup, started at the same instant, each polling in its own
// goroutine. franz-go's group defaults throughout: the classic protocol (JoinGroup/SyncGroup/
// Heartbeat), the cooperative-sticky balancer, session timeout 45 s, rebalance timeout 60 s,
// heartbeat every 3 s, autocommit every 5 s and on revoke. A fresh group (no committed
// offsets) starts every partition at the earliest offset.
//
// Two modes:
//   - throughput (default): the clock runs from just before the clients are created until
//     the members have together consumed --records distinct records (every record up to the
//     end offsets when 0). Then each member commits what it consumed
//     (CommitUncommittedOffsets) and leaves; both are timed separately, and the committed
//     offsets are read back and checked.
//   - --first-records (rebalance time): the clock runs from the same instant until every
//     member has had its first records from a poll (FindCoordinator, JoinGroup, SyncGroup,
//     OffsetFetch, ListOffsets, Fetch, however many rebalances that takes); repeated --repeat
//     times, each with a new group. Nothing is committed (autocommit off): a partition that
//     a first member read to its end and that a later rebalance moves starts over at the
//     earliest offset for its new owner, instead of at a committed end offset with nothing
//     to fetch.

const groupBalancer = "cooperative-sticky (franz-go default)"

type memberResult struct {
	// AssignedMs: first non-empty assignment (OnPartitionsAssigned), from the start; -1: never.
	AssignedMs float64 `json:"assignedMs"`
	// FirstRecordsMs: first poll that returned records, from the start; -1: never.
	FirstRecordsMs float64 `json:"firstRecordsMs"`
	Records        int64   `json:"records"`
	Generation     int32   `json:"generation"`
	// Assignments: OnPartitionsAssigned calls with partitions (cooperative-sticky passes only
	// the partitions added); AssignedPartitions: the partitions they added, summed.
	Assignments        int32  `json:"assignments"`
	AssignedPartitions int32  `json:"assignedPartitions"`
	Lost               int32  `json:"lost"`
	Error              string `json:"error,omitempty"`
}

type groupResult struct {
	Throughput
	Mode          string  `json:"mode"`
	Complete      bool    `json:"complete"`
	Target        int64   `json:"target"`
	Partitions    int     `json:"partitions"`
	Members       int     `json:"members"`
	Group         string  `json:"group"`
	Balancer      string  `json:"balancer"`
	Commits       string  `json:"commits"`
	AllAssignedMs float64 `json:"allAssignedMs"`
	FirstRecordMs float64 `json:"firstRecordMs"`
	// From the first record any member received to the last one needed.
	AfterFirstRecord Throughput `json:"afterFirstRecord"`
	Delivered        int64      `json:"delivered"`
	Duplicates       int64      `json:"duplicates"`
	FinalCommitMs    float64    `json:"finalCommitMs"`
	CloseMs          float64    `json:"closeMs"`
	// Committed: sum over partitions of committed offset minus start offset, read back after
	// the members left; CommittedComplete when every partition's commit is at its end offset.
	Committed         int64          `json:"committed"`
	CommittedComplete bool           `json:"committedComplete"`
	Errors            int            `json:"errors"`
	FirstError        string         `json:"firstError,omitempty"`
	ClientWarnings    int            `json:"clientWarnings"`
	FirstWarnings     []string       `json:"firstWarnings,omitempty"`
	PerMember         []memberResult `json:"perMember"`
}

type rebalanceRun struct {
	Group    string `json:"group"`
	Complete bool   `json:"complete"`
	// The slowest member's figures: every member assigned / every member has records.
	AllAssignedMs     float64        `json:"allAssignedMs"`
	AllFirstRecordsMs float64        `json:"allFirstRecordsMs"`
	Generation        int32          `json:"generation"`
	CloseMs           float64        `json:"closeMs"`
	Errors            int            `json:"errors"`
	FirstError        string         `json:"firstError,omitempty"`
	PerMember         []memberResult `json:"perMember"`
}

type rebalanceResult struct {
	Mode       string `json:"mode"`
	Complete   bool   `json:"complete"`
	Members    int    `json:"members"`
	Partitions int    `json:"partitions"`
	Balancer   string `json:"balancer"`
	// One value per run, in run order.
	FirstRecordsMs    []float64      `json:"firstRecordsMs"`
	AssignedMs        []float64      `json:"assignedMs"`
	FirstRecordsP50Ms float64        `json:"firstRecordsP50Ms"`
	AssignedP50Ms     float64        `json:"assignedP50Ms"`
	Errors            int            `json:"errors"`
	FirstError        string         `json:"firstError,omitempty"`
	ClientWarnings    int            `json:"clientWarnings"`
	FirstWarnings     []string       `json:"firstWarnings,omitempty"`
	Runs              []rebalanceRun `json:"runs"`
}

// clientLog collects what the franz-go clients log at warn and above (a broker misbehaving
// shows here first), echoing the first lines to stderr, each with the time in unix ms (to
// line them up with a broker's log).
type clientLog struct {
	mu    sync.Mutex
	count int
	first []string
	level kgo.LogLevel
}

func (l *clientLog) Level() kgo.LogLevel { return l.level }

func (l *clientLog) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	line := fmt.Sprintf("%d %s %s %v", time.Now().UnixMilli(), level, msg, keyvals)
	l.mu.Lock()
	defer l.mu.Unlock()
	if level <= kgo.LogLevelWarn {
		l.count++
		if len(l.first) < 5 {
			l.first = append(l.first, line)
		}
		if l.count <= 50 {
			fmt.Fprintf(os.Stderr, "loadgen: client: %s\n", line)
		}
	} else {
		fmt.Fprintf(os.Stderr, "loadgen: client: %s\n", line)
	}
}

// partitionRange is a partition's offsets when the run starts.
type partitionRange struct{ start, end int64 }

func topicRanges(ctx context.Context, c common) (map[int32]partitionRange, error) {
	cl, err := kgo.NewClient(c.baseOpts()...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	starts, err := adm.ListStartOffsets(ctx, c.topic)
	if err == nil {
		err = starts.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("ListOffsets (earliest): %w", err)
	}
	ends, err := adm.ListEndOffsets(ctx, c.topic)
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("ListOffsets (latest): %w", err)
	}
	out := map[int32]partitionRange{}
	ends.Each(func(o kadm.ListedOffset) {
		s, _ := starts.Lookup(o.Topic, o.Partition)
		out[o.Partition] = partitionRange{s.Offset, o.Offset}
	})
	if len(out) == 0 {
		return nil, fmt.Errorf("topic %s has no partitions", c.topic)
	}
	return out, nil
}

// session is one run: M members of one new group, started together.
type session struct {
	start   time.Time
	members []*groupMember
	ranges  map[int32]partitionRange
	// high[p]: one past the highest offset of partition p any member has polled.
	high     map[int32]*atomic.Int64
	distinct atomic.Int64
	bytes    atomic.Int64
	firstNs  atomic.Int64 // first records any member polled, from the start (0: none yet)
	lastNs   atomic.Int64
	errs     errorTracker
	pollCtx  context.Context
	stopPoll context.CancelFunc
	wg       sync.WaitGroup
	// done is closed once the run's goal is reached.
	done     chan struct{}
	doneOnce sync.Once
	goal     func(*session) bool
	haveAll  atomic.Int32 // members that have polled records
}

type groupMember struct {
	s           *session
	cl          *kgo.Client
	err         error
	assignedNs  atomic.Int64
	firstNs     atomic.Int64
	records     atomic.Int64
	assignments atomic.Int32
	lost        atomic.Int32
	// assignedPartitions: partitions added by assignments, summed.
	assignedPartitions atomic.Int32
}

func since(start time.Time) int64 { return max(1, time.Since(start).Nanoseconds()) }

func msOrNever(ns int64) float64 {
	if ns == 0 {
		return -1
	}
	return ms(ns)
}

func newSession(ranges map[int32]partitionRange, members int, goal func(*session) bool) *session {
	s := &session{ranges: ranges, high: map[int32]*atomic.Int64{}, done: make(chan struct{}), goal: goal}
	for p, r := range ranges {
		h := &atomic.Int64{}
		h.Store(r.start)
		s.high[p] = h
	}
	for range members {
		s.members = append(s.members, &groupMember{s: s})
	}
	s.pollCtx, s.stopPoll = context.WithCancel(context.Background())
	return s
}

func (s *session) check() {
	if s.goal(s) {
		s.doneOnce.Do(func() { close(s.done) })
	}
}

// run starts every member at once and returns when the goal is reached or ctx ends.
func (s *session) run(ctx context.Context, opts []kgo.Opt) {
	gate := make(chan struct{})
	for _, m := range s.members {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			<-gate
			m.run(opts)
		}()
	}
	s.start = time.Now()
	close(gate)
	select {
	case <-s.done:
	case <-ctx.Done():
	}
	s.stopPoll()
	s.wg.Wait()
}

func (m *groupMember) run(base []kgo.Opt) {
	s := m.s
	opts := append(slices.Clone(base),
		kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, assigned map[string][]int32) {
			n := 0
			for _, ps := range assigned {
				n += len(ps)
			}
			if n > 0 {
				m.assignedNs.CompareAndSwap(0, since(s.start))
				m.assignments.Add(1)
				m.assignedPartitions.Add(int32(n))
			}
		}),
		kgo.OnPartitionsLost(func(_ context.Context, _ *kgo.Client, lost map[string][]int32) {
			m.lost.Add(1) // franz-go's default here does nothing: no commit
		}),
	)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		m.err = err
		s.errs.add(err)
		return
	}
	m.cl = cl
	for s.pollCtx.Err() == nil {
		fetches := cl.PollFetches(s.pollCtx)
		now := since(s.start)
		n := int64(0)
		fetches.EachPartition(func(p kgo.FetchTopicPartition) {
			if p.Err != nil {
				if s.pollCtx.Err() == nil {
					s.errs.add(fmt.Errorf("partition %d: %w", p.Partition, p.Err))
				}
				return
			}
			if len(p.Records) == 0 {
				return
			}
			n += int64(len(p.Records))
			s.account(p.Partition, p.Records, now)
		})
		fetches.EachError(func(_ string, p int32, err error) {
			if p < 0 && s.pollCtx.Err() == nil { // client-level errors; partition ones are above
				s.errs.add(err)
			}
		})
		if n > 0 {
			m.records.Add(n)
			if m.firstNs.CompareAndSwap(0, now) {
				s.firstNs.CompareAndSwap(0, now)
				s.haveAll.Add(1)
			}
			s.check()
		}
	}
}

// account raises a partition's high-water mark of polled offsets: offsets below it were
// delivered before (a re-read after a rebalance) and count neither as records nor as bytes.
func (s *session) account(partition int32, records []*kgo.Record, now int64) {
	h, ok := s.high[partition]
	if !ok {
		return
	}
	next := records[len(records)-1].Offset + 1
	var old int64
	for {
		old = h.Load()
		if next <= old {
			return
		}
		if h.CompareAndSwap(old, next) {
			break
		}
	}
	var bytes int64
	for _, r := range records {
		if r.Offset >= old {
			bytes += int64(len(r.Value))
		}
	}
	s.distinct.Add(next - old)
	s.bytes.Add(bytes)
	storeMax(&s.lastNs, now)
}

func storeMax(v *atomic.Int64, x int64) {
	for {
		old := v.Load()
		if x <= old || v.CompareAndSwap(old, x) {
			return
		}
	}
}

func (s *session) memberResults() ([]memberResult, int32) {
	var gen int32 = -1
	out := make([]memberResult, len(s.members))
	for i, m := range s.members {
		r := memberResult{
			AssignedMs:         msOrNever(m.assignedNs.Load()),
			FirstRecordsMs:     msOrNever(m.firstNs.Load()),
			Records:            m.records.Load(),
			Generation:         -1,
			Assignments:        m.assignments.Load(),
			AssignedPartitions: m.assignedPartitions.Load(),
			Lost:               m.lost.Load(),
		}
		if m.err != nil {
			r.Error = m.err.Error()
		}
		if m.cl != nil {
			_, r.Generation = m.cl.GroupMetadata()
		}
		gen = max(gen, r.Generation)
		out[i] = r
	}
	return out, gen
}

func (s *session) slowest(pick func(*groupMember) int64) float64 {
	var worst int64
	for _, m := range s.members {
		v := pick(m)
		if v == 0 {
			return -1
		}
		worst = max(worst, v)
	}
	return ms(worst)
}

// closeAll closes every member at once (each revokes, commits and leaves the group); it gives
// up waiting after limit.
func (s *session) closeAll(limit time.Duration) (time.Duration, bool) {
	began := time.Now()
	var wg sync.WaitGroup
	for _, m := range s.members {
		if m.cl == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.cl.Close()
		}()
	}
	closed := make(chan struct{})
	go func() {
		wg.Wait()
		close(closed)
	}()
	select {
	case <-closed:
		return time.Since(began), true
	case <-time.After(limit):
		return time.Since(began), false
	}
}

func runGroup(args []string) (any, error) {
	fs := flag.NewFlagSet("group", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	members := fs.Int("members", 3, "group members (one kgo client each, all in this process)")
	records := fs.Int64("records", 0, "throughput: stop once the members have consumed this many distinct records together (0: all up to the end offsets at start)")
	firstRecords := fs.Bool("first-records", false, "rebalance time: stop as soon as every member has polled records (--records is ignored)")
	repeat := fs.Int("repeat", 1, "with --first-records: runs, each with a new group")
	pause := fs.Duration("pause", time.Second, "with --first-records: pause between runs")
	runTimeout := fs.Duration("run-timeout", 60*time.Second, "give up on one run after this long")
	group := fs.String("group", "", "group id (default: loadgen-<unix ms>, with -<run> per run)")
	logLevel := fs.String("client-log", "warn", "franz-go log level to stderr: error, warn, info, debug")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if err := c.check(true); err != nil {
		return nil, err
	}
	if *members < 1 || *repeat < 1 {
		return nil, fmt.Errorf("--members and --repeat must be at least 1")
	}
	log := &clientLog{level: kgo.LogLevelWarn}
	switch *logLevel {
	case "error":
		log.level = kgo.LogLevelError
	case "warn":
	case "info":
		log.level = kgo.LogLevelInfo
	case "debug":
		log.level = kgo.LogLevelDebug
	default:
		return nil, fmt.Errorf("--client-log must be error, warn, info or debug")
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	ranges, err := topicRanges(ctx, c)
	if err != nil {
		return nil, err
	}
	var total int64
	for _, r := range ranges {
		total += r.end - r.start
	}
	base := *group
	if base == "" {
		base = fmt.Sprintf("loadgen-%d", time.Now().UnixMilli())
	}
	optsFor := func(groupID string) []kgo.Opt {
		opts := append(c.baseOpts(), fetchOpts()...)
		opts = append(opts,
			kgo.ConsumerGroup(groupID),
			kgo.ConsumeTopics(c.topic),
			kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
			kgo.WithLogger(log),
		)
		if *firstRecords {
			// A member that joined first may read its partitions to the end before a later
			// rebalance moves them; uncommitted, they start over at the earliest offset for
			// their new owner, which then has records to fetch.
			opts = append(opts, kgo.DisableAutoCommit())
		}
		return opts
	}
	if *firstRecords {
		return runRebalance(ctx, c, ranges, *members, *repeat, *pause, *runTimeout, base, optsFor, log)
	}

	target := total
	if *records > 0 {
		if *records > total {
			return nil, fmt.Errorf("topic %s holds %d records, fewer than --records %d", c.topic, total, *records)
		}
		target = *records
	}
	s := newSession(ranges, *members, func(s *session) bool { return s.distinct.Load() >= target })
	runCtx, stop := context.WithTimeout(ctx, *runTimeout)
	defer stop()
	s.run(runCtx, optsFor(base))

	n := s.distinct.Load()
	res := groupResult{
		Mode:          "throughput",
		Complete:      n >= target,
		Target:        target,
		Partitions:    len(ranges),
		Members:       *members,
		Group:         base,
		Balancer:      groupBalancer,
		Commits:       "autocommit (franz-go default: every 5 s and on revoke); after the clock stops, each member commits what it consumed (CommitUncommittedOffsets) and leaves",
		AllAssignedMs: s.slowest(func(m *groupMember) int64 { return m.assignedNs.Load() }),
		FirstRecordMs: msOrNever(s.firstNs.Load()),
	}
	res.Throughput = throughput(n, s.bytes.Load(), time.Duration(s.lastNs.Load()))
	if first, last := s.firstNs.Load(), s.lastNs.Load(); first > 0 && last > first {
		res.AfterFirstRecord = throughput(n, s.bytes.Load(), time.Duration(last-first))
	}
	res.PerMember, _ = s.memberResults()
	for _, m := range res.PerMember {
		res.Delivered += m.Records
	}
	res.Duplicates = res.Delivered - n

	// The final commit, all members at once, then leaving the group.
	commitStart := time.Now()
	var wg sync.WaitGroup
	for _, m := range s.members {
		if m.cl == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, ccancel := context.WithTimeout(ctx, 30*time.Second)
			defer ccancel()
			if err := m.cl.CommitUncommittedOffsets(cctx); err != nil {
				s.errs.add(fmt.Errorf("final commit: %w", err))
			}
		}()
	}
	wg.Wait()
	res.FinalCommitMs = ms(time.Since(commitStart).Nanoseconds())
	closeTook, closed := s.closeAll(30 * time.Second)
	res.CloseMs = ms(closeTook.Nanoseconds())
	if !closed {
		s.errs.add(fmt.Errorf("members had not left the group after %s", closeTook.Round(time.Millisecond)))
	}
	committed, complete, err := committedOffsets(ctx, c, base, ranges)
	if err != nil {
		s.errs.add(err)
	}
	res.Committed, res.CommittedComplete = committed, complete
	res.Errors = int(s.errs.count.Load())
	res.FirstError = s.errs.first
	res.ClientWarnings, res.FirstWarnings = log.summary()
	if !res.Complete {
		logf("consumed %d of %d records", n, target)
	}
	return res, nil
}

func runRebalance(ctx context.Context, c common, ranges map[int32]partitionRange, members, repeat int,
	pause, runTimeout time.Duration, base string, optsFor func(string) []kgo.Opt, log *clientLog,
) (any, error) {
	res := rebalanceResult{Mode: "rebalance", Complete: true, Members: members, Partitions: len(ranges), Balancer: groupBalancer}
	for run := 1; run <= repeat && ctx.Err() == nil; run++ {
		if run > 1 {
			time.Sleep(pause)
		}
		groupID := fmt.Sprintf("%s-%d", base, run)
		s := newSession(ranges, members, func(s *session) bool { return int(s.haveAll.Load()) >= members })
		runCtx, stop := context.WithTimeout(ctx, runTimeout)
		s.run(runCtx, optsFor(groupID))
		stop()
		r := rebalanceRun{
			Group:             groupID,
			AllAssignedMs:     s.slowest(func(m *groupMember) int64 { return m.assignedNs.Load() }),
			AllFirstRecordsMs: s.slowest(func(m *groupMember) int64 { return m.firstNs.Load() }),
		}
		r.Complete = r.AllFirstRecordsMs >= 0
		r.PerMember, r.Generation = s.memberResults()
		closeTook, closed := s.closeAll(30 * time.Second)
		r.CloseMs = ms(closeTook.Nanoseconds())
		if !closed {
			s.errs.add(fmt.Errorf("members had not left the group after %s", closeTook.Round(time.Millisecond)))
		}
		r.Errors = int(s.errs.count.Load())
		r.FirstError = s.errs.first
		res.Runs = append(res.Runs, r)
		res.Errors += r.Errors
		if res.FirstError == "" {
			res.FirstError = r.FirstError
		}
		if !r.Complete {
			res.Complete = false
			logf("run %d: %d of %d members had records after %s", run, s.haveAll.Load(), members, runTimeout)
			break // a broken group is not worth more runs
		}
		res.FirstRecordsMs = append(res.FirstRecordsMs, r.AllFirstRecordsMs)
		res.AssignedMs = append(res.AssignedMs, r.AllAssignedMs)
	}
	res.FirstRecordsP50Ms = median(res.FirstRecordsMs)
	res.AssignedP50Ms = median(res.AssignedMs)
	res.ClientWarnings, res.FirstWarnings = log.summary()
	return res, nil
}

func (l *clientLog) summary() (int, []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.count, slices.Clone(l.first)
}

func median(values []float64) float64 {
	if len(values) == 0 {
		return -1
	}
	v := slices.Clone(values)
	slices.Sort(v)
	mid := len(v) / 2
	if len(v)%2 == 1 {
		return v[mid]
	}
	return round3((v[mid-1] + v[mid]) / 2)
}

// committedOffsets reads the group's committed offsets back: how many records they cover, and
// whether every partition's commit is at the end offset it had when the run started.
func committedOffsets(ctx context.Context, c common, group string, ranges map[int32]partitionRange) (int64, bool, error) {
	cl, err := kgo.NewClient(c.baseOpts()...)
	if err != nil {
		return 0, false, err
	}
	defer cl.Close()
	offsets, err := kadm.NewClient(cl).FetchOffsets(ctx, group)
	if err != nil {
		return 0, false, fmt.Errorf("OffsetFetch: %w", err)
	}
	var total int64
	complete := true
	for p, r := range ranges {
		o, ok := offsets.Lookup(c.topic, p)
		if !ok || o.Err != nil || o.At < r.start {
			complete = complete && r.end == r.start
			continue
		}
		total += o.At - r.start
		complete = complete && o.At >= r.end
	}
	return total, complete, nil
}
