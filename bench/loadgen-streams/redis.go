package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisPeer: go-redis. Publishing is XADD in pipelines of --batch commands, --window / --batch
// pipelines in flight on as many connections (Redis answers each XADD when it is applied; with
// appendonly yes the reply follows the write to the AOF, and the fsync comes every second).
// Reading is XREAD COUNT --batch from the last id seen, without a consumer group.
type redisPeer struct{}

const (
	redisBatch  = 1000
	redisWindow = 4000
	redisClient = "go-redis: pipelined XADD; XREAD COUNT from the last id"
)

func redisConnect(c common, conns int) *redis.Client {
	return redis.NewClient(&redis.Options{
		Addr:         c.addr,
		PoolSize:     max(conns, 1),
		ReadTimeout:  30 * time.Second,
		WriteTimeout: 30 * time.Second,
	})
}

func (redisPeer) produce(c common, f produceFlags) (produceResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	batch := c.batch
	if batch <= 0 {
		batch = redisBatch
	}
	window := c.window
	if window <= 0 {
		window = redisWindow
	}
	pipelines := max(1, window/batch)
	rdb := redisConnect(c, pipelines)
	defer rdb.Close()
	if err := rdb.Ping(ctx).Err(); err != nil {
		return produceResult{}, err
	}
	body := string(payload(f.size))
	a := newAcks(f.records)
	// Batches are handed out in order; each worker sends one pipeline at a time.
	next := make(chan int)
	go func() {
		defer close(next)
		for from := 0; from < f.records; from += batch {
			select {
			case next <- from:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	start := time.Now()
	for range pipelines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for from := range next {
				to := min(from+batch, f.records)
				pipe := rdb.Pipeline()
				for i := from; i < to; i++ {
					pipe.XAdd(ctx, &redis.XAddArgs{Stream: c.stream, ID: "*", Values: []string{"v", body}})
				}
				for i := from; i < to; i++ {
					a.send(i)
				}
				cmds, err := pipe.Exec(ctx)
				if err != nil && len(cmds) == 0 {
					for i := from; i < to; i++ {
						a.fail(err)
					}
					continue
				}
				for k, cmd := range cmds {
					if cmd.Err() != nil {
						a.fail(cmd.Err())
					} else {
						a.ok(from + k)
					}
				}
			}
		}()
	}
	wg.Wait()
	r := a.result("redis", f, time.Since(start))
	r.Window = pipelines * batch
	r.Batch = batch
	r.Client = redisClient
	return r, nil
}

func (redisPeer) consume(c common, records int64) (consumeResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	rdb := redisConnect(c, 1)
	defer rdb.Close()
	target, err := rdb.XLen(ctx, c.stream).Result()
	if err != nil {
		return consumeResult{}, fmt.Errorf("XLEN %s: %w", c.stream, err)
	}
	if records > 0 {
		if records > target {
			return consumeResult{}, fmt.Errorf("stream %s holds %d records, fewer than --records %d", c.stream, target, records)
		}
		target = records
	}
	count := c.batch
	if count <= 0 {
		count = redisBatch
	}
	res := consumeResult{Peer: "redis", Target: target, Window: count, Client: redisClient}
	var n, bytes int64
	last := "0"
	start := time.Now()
	for n < target && ctx.Err() == nil {
		streams, err := rdb.XRead(ctx, &redis.XReadArgs{
			Streams: []string{c.stream, last},
			Count:   int64(min(int64(count), target-n)),
			Block:   -1, // no BLOCK: everything is already there
		}).Result()
		res.Reads++
		if err != nil {
			res.Errors++
			if res.FirstError == "" {
				res.FirstError = err.Error()
			}
			if err == redis.Nil {
				continue
			}
			break
		}
		for _, s := range streams {
			for _, m := range s.Messages {
				n++
				last = m.ID
				if v, ok := m.Values["v"].(string); ok {
					bytes += int64(len(v))
				}
			}
		}
	}
	res.Throughput = throughput(n, bytes, time.Since(start))
	res.Complete = n >= target
	if !res.Complete {
		logf("read %d of %d records", n, target)
	}
	return res, nil
}
