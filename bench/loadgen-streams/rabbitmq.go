package main

import (
	"context"
	"fmt"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// rabbitPeer: amqp091-go on a quorum queue. Publishing is persistent messages on a channel in
// confirm mode, at most --window unconfirmed; a quorum queue confirms once the message is in
// its Raft log on disk (fsync). Reading is basic.consume with a prefetch of --window and
// manual acks, one multiple-ack per half window.
//
// Why not the stream protocol (rabbitmq_stream): it is faster, but a stream confirms a
// publish without an fsync (it relies on replication), so it would not be the durable publish
// this benchmark compares.
type rabbitPeer struct{}

const (
	rabbitWindow   = 4000
	rabbitPrefetch = 2000
	rabbitClient   = "amqp091-go: quorum queue, persistent messages, publisher confirms; basic.consume with prefetch and multiple acks"
)

func rabbitOpen(c common) (*amqp.Connection, *amqp.Channel, error) {
	conn, err := amqp.Dial("amqp://guest:guest@" + c.addr + "/")
	if err != nil {
		return nil, nil, err
	}
	ch, err := conn.Channel()
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	return conn, ch, nil
}

func (rabbitPeer) produce(c common, f produceFlags) (produceResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	conn, ch, err := rabbitOpen(c)
	if err != nil {
		return produceResult{}, err
	}
	defer conn.Close()
	_, err = ch.QueueDeclare(c.stream, true, false, false, false, amqp.Table{"x-queue-type": "quorum"})
	if err != nil {
		return produceResult{}, fmt.Errorf("declare quorum queue: %w", err)
	}
	if err := ch.Confirm(false); err != nil {
		return produceResult{}, fmt.Errorf("confirm.select: %w", err)
	}
	window := c.window
	if window <= 0 {
		window = rabbitWindow
	}
	a := newAcks(f.records)
	slots := make(chan struct{}, window)
	confirms := ch.NotifyPublish(make(chan amqp.Confirmation, window))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for seen := 0; seen < f.records; seen++ {
			select {
			case conf, ok := <-confirms:
				if !ok {
					return
				}
				// Delivery tags count the channel's publishes from 1.
				if conf.Ack {
					a.ok(int(conf.DeliveryTag) - 1)
				} else {
					a.fail(fmt.Errorf("basic.nack for delivery tag %d", conf.DeliveryTag))
				}
				<-slots
			case <-ctx.Done():
				return
			}
		}
	}()
	body := payload(f.size)
	start := time.Now()
	sent := 0
	for ; sent < f.records; sent++ {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		a.send(sent)
		err := ch.PublishWithContext(ctx, "", c.stream, false, false, amqp.Publishing{
			DeliveryMode: amqp.Persistent,
			Body:         body,
		})
		if err != nil {
			a.fail(err)
			break
		}
	}
	if sent == f.records {
		<-done
	}
	r := a.result("rabbitmq", f, time.Since(start))
	r.Window = window
	r.Client = rabbitClient
	return r, nil
}

func (rabbitPeer) consume(c common, records int64) (consumeResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	conn, ch, err := rabbitOpen(c)
	if err != nil {
		return consumeResult{}, err
	}
	defer conn.Close()
	q, err := ch.QueueDeclarePassive(c.stream, true, false, false, false, amqp.Table{"x-queue-type": "quorum"})
	if err != nil {
		return consumeResult{}, fmt.Errorf("queue %s: %w", c.stream, err)
	}
	target := int64(q.Messages)
	if records > 0 {
		if records > target {
			return consumeResult{}, fmt.Errorf("queue %s holds %d messages, fewer than --records %d", c.stream, target, records)
		}
		target = records
	}
	prefetch := c.window
	if prefetch <= 0 {
		prefetch = rabbitPrefetch
	}
	if err := ch.Qos(prefetch, 0, false); err != nil {
		return consumeResult{}, err
	}
	res := consumeResult{Peer: "rabbitmq", Target: target, Window: prefetch, Client: rabbitClient}
	start := time.Now()
	deliveries, err := ch.ConsumeWithContext(ctx, c.stream, "", false, false, false, false, nil)
	if err != nil {
		return consumeResult{}, fmt.Errorf("basic.consume: %w", err)
	}
	ackEvery := int64(max(1, prefetch/2))
	var n, bytes int64
	for n < target {
		var d amqp.Delivery
		var ok bool
		select {
		case d, ok = <-deliveries:
		case <-ctx.Done():
		}
		if !ok {
			res.Errors++
			res.FirstError = "deliveries ended: " + fmt.Sprint(ctx.Err())
			break
		}
		n++
		bytes += int64(len(d.Body))
		if n%ackEvery == 0 || n == target {
			if err := d.Ack(true); err != nil {
				res.Errors++
				res.FirstError = err.Error()
				break
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
