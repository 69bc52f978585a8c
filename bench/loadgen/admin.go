package main

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

type createTopicResult struct {
	Topic      string  `json:"topic"`
	Partitions int     `json:"partitions"`
	Existed    bool    `json:"existed"`
	Ms         float64 `json:"ms"`
}

func runCreateTopic(args []string) (any, error) {
	fs := flag.NewFlagSet("create-topic", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	partitions := fs.Int("partitions", 1, "number of partitions")
	replication := fs.Int("replication-factor", 1, "replication factor")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if err := c.check(true); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	cl, err := kgo.NewClient(c.baseOpts()...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)

	start := time.Now()
	res := createTopicResult{Topic: c.topic, Partitions: *partitions}
	resp, err := adm.CreateTopic(ctx, int32(*partitions), int16(*replication), nil, c.topic)
	switch {
	case errors.Is(err, kerr.TopicAlreadyExists) || errors.Is(resp.Err, kerr.TopicAlreadyExists):
		res.Existed = true
	case err != nil:
		return nil, fmt.Errorf("CreateTopics: %w", err)
	case resp.Err != nil:
		return nil, fmt.Errorf("CreateTopics: %w (%s)", resp.Err, resp.ErrMessage)
	}
	// A created topic is usable once metadata shows a leader for every partition.
	for {
		md, err := adm.Metadata(ctx, c.topic)
		if err == nil {
			if t, ok := md.Topics[c.topic]; ok && t.Err == nil && len(t.Partitions) == *partitions && allLed(t) {
				break
			}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("topic %s has no leader for every partition after %s", c.topic, c.timeout)
		case <-time.After(50 * time.Millisecond):
		}
	}
	res.Ms = ms(time.Since(start).Nanoseconds())
	return res, nil
}

func allLed(t kadm.TopicDetail) bool {
	for _, p := range t.Partitions {
		if p.Err != nil || p.Leader < 0 {
			return false
		}
	}
	return true
}

type waitReadyResult struct {
	ReadyUnixMs float64 `json:"readyUnixMs"`
	Attempts    int     `json:"attempts"`
}

// runWaitReady probes with a hand-written ApiVersions v0 request rather than a client, so
// that no client back-off delays the moment we notice the broker is ready. A listening
// socket is not enough: Kafka binds its port before it starts processing requests.
func runWaitReady(args []string) (any, error) {
	fs := flag.NewFlagSet("wait-ready", flag.ContinueOnError)
	var c common
	c.register(fs, false)
	interval := fs.Duration("interval", 10*time.Millisecond, "pause between attempts")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if err := c.check(false); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(c.timeout)
	addr := c.seeds()[0]
	var last error
	for attempt := 1; time.Now().Before(deadline); attempt++ {
		if last = probeApiVersions(addr, deadline); last == nil {
			return waitReadyResult{ReadyUnixMs: float64(time.Now().UnixMicro()) / 1000, Attempts: attempt}, nil
		}
		time.Sleep(*interval)
	}
	return nil, fmt.Errorf("%s not ready after %s: %v", addr, c.timeout, last)
}

func probeApiVersions(addr string, deadline time.Time) error {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return err
	}
	const clientID = "sluice-loadgen"
	// size, api key 18, version 0, correlation id 1, client id (int16 length + bytes)
	req := make([]byte, 0, 4+10+len(clientID))
	req = binary.BigEndian.AppendUint32(req, uint32(10+len(clientID)))
	req = binary.BigEndian.AppendUint16(req, 18)
	req = binary.BigEndian.AppendUint16(req, 0)
	req = binary.BigEndian.AppendUint32(req, 1)
	req = binary.BigEndian.AppendUint16(req, uint16(len(clientID)))
	req = append(req, clientID...)
	if _, err := conn.Write(req); err != nil {
		return err
	}
	var size [4]byte
	if _, err := io.ReadFull(conn, size[:]); err != nil {
		return err
	}
	n := binary.BigEndian.Uint32(size[:])
	if n < 6 || n > 1<<20 {
		return fmt.Errorf("bad ApiVersions response size %d", n)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(conn, body); err != nil {
		return err
	}
	if id := binary.BigEndian.Uint32(body); id != 1 {
		return fmt.Errorf("ApiVersions answered correlation id %d", id)
	}
	if code := int16(binary.BigEndian.Uint16(body[4:])); code != 0 {
		return fmt.Errorf("ApiVersions error %v", kerr.ErrorForCode(code))
	}
	return nil
}
