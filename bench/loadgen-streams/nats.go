package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// natsPeer: nats.go's jetstream package. Publishing is PublishAsync (every record gets a
// PubAck from the stream; at most --window unacknowledged, the client's default 4000);
// reading is a pull consumer (Messages, the client's default batching of 500).
type natsPeer struct{}

const natsClient = "nats.go jetstream: PublishAsync with PubAcks; pull consumer (Messages), AckNone"

func natsConnect(c common) (*nats.Conn, error) {
	return nats.Connect("nats://"+c.addr, nats.Name("sluice-loadgen-streams"), nats.Timeout(10*time.Second))
}

func (natsPeer) produce(c common, f produceFlags) (produceResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	nc, err := natsConnect(c)
	if err != nil {
		return produceResult{}, err
	}
	defer nc.Close()
	window := c.window
	if window <= 0 {
		window = 4000 // nats.go's default max pending async publishes
	}
	a := newAcks(f.records)
	done := make(chan struct{})
	var once sync.Once
	finish := func() {
		if a.acked.Load()+a.errs.Load() == int64(f.records) {
			once.Do(func() { close(done) })
		}
	}
	var base uint64 // the stream's last sequence before this run
	js, err := jetstream.New(nc,
		jetstream.WithPublishAsyncMaxPending(window),
		jetstream.WithPublishAsyncAckHandler(func(_ jetstream.JetStream, _ *nats.Msg, ack *jetstream.PubAck) {
			// One publisher: the stream numbers its records in the order they were sent.
			a.ok(int(ack.Sequence - base - 1))
			finish()
		}),
		jetstream.WithPublishAsyncErrHandler(func(_ jetstream.JetStream, _ *nats.Msg, err error) {
			a.fail(err)
			finish()
		}),
	)
	if err != nil {
		return produceResult{}, err
	}
	subject := c.stream + ".records"
	// File storage, one replica, everything else at the server's defaults.
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:     c.stream,
		Subjects: []string{subject},
		Storage:  jetstream.FileStorage,
		Replicas: 1,
	})
	if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		stream, err = js.Stream(ctx, c.stream)
	}
	if err != nil {
		return produceResult{}, fmt.Errorf("create stream: %w", err)
	}
	base = stream.CachedInfo().State.LastSeq
	body := payload(f.size)
	start := time.Now()
	for i := 0; i < f.records && ctx.Err() == nil; i++ {
		a.send(i)
		// A long stall wait: a full window waits for acknowledgements instead of failing.
		if _, err := js.PublishAsync(subject, body, jetstream.WithStallWait(c.timeout)); err != nil {
			a.fail(err)
			finish()
		}
	}
	select {
	case <-done:
	case <-ctx.Done():
	}
	r := a.result("nats", f, time.Since(start))
	r.Window = window
	r.Client = natsClient
	return r, nil
}

func (natsPeer) consume(c common, records int64) (consumeResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	nc, err := natsConnect(c)
	if err != nil {
		return consumeResult{}, err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return consumeResult{}, err
	}
	stream, err := js.Stream(ctx, c.stream)
	if err != nil {
		return consumeResult{}, fmt.Errorf("stream %s: %w", c.stream, err)
	}
	target := int64(stream.CachedInfo().State.Msgs)
	if records > 0 {
		if records > target {
			return consumeResult{}, fmt.Errorf("stream %s holds %d records, fewer than --records %d", c.stream, target, records)
		}
		target = records
	}
	// An ephemeral pull consumer from the first record, without acknowledgements: like a
	// Kafka consumer that reads without committing.
	cons, err := stream.CreateConsumer(ctx, jetstream.ConsumerConfig{
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckPolicy:     jetstream.AckNonePolicy,
	})
	if err != nil {
		return consumeResult{}, fmt.Errorf("create consumer: %w", err)
	}
	var opts []jetstream.PullMessagesOpt
	if c.window > 0 {
		opts = append(opts, jetstream.PullMaxMessages(c.window))
	}
	res := consumeResult{Peer: "nats", Target: target, Window: c.window, Client: natsClient}
	var n, bytes int64
	start := time.Now()
	it, err := cons.Messages(opts...)
	if err != nil {
		return consumeResult{}, err
	}
	// Next blocks without a context: stop the iterator when time is up.
	stopTimer := time.AfterFunc(time.Until(deadline(ctx)), it.Stop)
	for n < target {
		msg, err := it.Next()
		if err != nil {
			res.Errors++
			res.FirstError = err.Error()
			break
		}
		n++
		bytes += int64(len(msg.Data()))
	}
	elapsed := time.Since(start)
	stopTimer.Stop()
	it.Stop()
	res.Throughput = throughput(n, bytes, elapsed)
	res.Complete = n >= target
	if !res.Complete {
		logf("read %d of %d records", n, target)
	}
	return res, nil
}

func deadline(ctx context.Context) time.Time {
	d, ok := ctx.Deadline()
	if !ok {
		return time.Now().Add(time.Hour)
	}
	return d
}
