package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// holdGroup is not a scenario: it keeps one franz-go member in a consumer group (classic protocol,
// kgo's default cooperative-sticky balancer) for tests that need a live franz-go group, such as the
// lag monitor's. It reads the topic from the start, commits what it read after every poll and
// prints "committed PARTITION:OFFSET" once the broker acknowledged the commit; when stdin closes it
// leaves the group and exits.
func holdGroup(grp, name string) int {
	cl, err := newClient(kgo.ConsumerGroup(grp), kgo.ConsumeTopics(name), kgo.DisableAutoCommit(),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		fmt.Fprintf(os.Stderr, "client: %v\n", err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	for ctx.Err() == nil {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			break
		}
		fetches.EachError(func(t string, p int32, err error) {
			fmt.Fprintf(os.Stderr, "fetch %s/%d: %v\n", t, p, err)
		})
		rs := fetches.Records()
		if len(rs) == 0 {
			continue
		}
		commitCtx, done := context.WithTimeout(context.Background(), 10*time.Second)
		err := cl.CommitRecords(commitCtx, rs...)
		done()
		if err != nil {
			fmt.Fprintf(os.Stderr, "commit: %v\n", err)
			continue
		}
		next := map[int32]int64{}
		for _, r := range rs {
			next[r.Partition] = max(next[r.Partition], r.Offset+1)
		}
		for p, o := range next {
			fmt.Printf("committed %d:%d\n", p, o)
		}
	}
	cl.Close() // leaves the group
	return 0
}
