package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

type waitOffsetResult struct {
	ReadyUnixMs float64 `json:"readyUnixMs"`
	// FirstAnswerUnixMs: the first ListOffsets answer without error for the partition (any offset).
	FirstAnswerUnixMs float64 `json:"firstAnswerUnixMs"`
	FirstOffset       int64   `json:"firstOffset"`
	Offset            int64   `json:"offset"`
	Attempts          int     `json:"attempts"`
	Complete          bool    `json:"complete"`
	LastError         string  `json:"lastError,omitempty"`
}

// runWaitOffset polls one broker with a hand-written ListOffsets v2 (latest) for one partition
// until the answered log end offset reaches --min: the moment a restarted broker serves the
// whole log. Like wait-ready, no client back-off sits between the broker and the measurement.
func runWaitOffset(args []string) (any, error) {
	fs := flag.NewFlagSet("wait-offset", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	partition := fs.Int("partition", 0, "partition")
	minOffset := fs.Int64("min", 0, "log end offset to wait for")
	interval := fs.Duration("interval", 10*time.Millisecond, "pause between attempts")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if err := c.check(true); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(c.timeout)
	addr := c.seeds()[0]
	res := waitOffsetResult{FirstOffset: -1, Offset: -1}
	var last error
	for attempt := 1; time.Now().Before(deadline); attempt++ {
		res.Attempts = attempt
		offset, err := listOffsetLatest(addr, c.topic, int32(*partition), deadline)
		now := float64(time.Now().UnixMicro()) / 1000
		if err == nil {
			if res.FirstOffset < 0 {
				res.FirstOffset, res.FirstAnswerUnixMs = offset, now
			}
			res.Offset = offset
			if offset >= *minOffset {
				res.ReadyUnixMs, res.Complete = now, true
				return res, nil
			}
		} else {
			last = err
		}
		time.Sleep(*interval)
	}
	if last != nil {
		res.LastError = last.Error()
	}
	if res.FirstOffset >= 0 {
		return res, nil // answered, but never the whole log: the caller reports it
	}
	return nil, fmt.Errorf("%s: no ListOffsets answer after %s: %v", addr, c.timeout, last)
}

func listOffsetLatest(addr, topic string, partition int32, deadline time.Time) (int64, error) {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return 0, err
	}
	req := kmsg.NewPtrListOffsetsRequest()
	req.Version = 2
	req.ReplicaID = -1
	t := kmsg.NewListOffsetsRequestTopic()
	t.Topic = topic
	p := kmsg.NewListOffsetsRequestTopicPartition()
	p.Partition = partition
	p.Timestamp = -1 // latest
	p.CurrentLeaderEpoch = -1
	t.Partitions = append(t.Partitions, p)
	req.Topics = append(req.Topics, t)
	const clientID = "sluice-loadgen"
	body := req.AppendTo(nil)
	frame := make([]byte, 0, 4+10+len(clientID)+len(body))
	frame = binary.BigEndian.AppendUint32(frame, uint32(10+len(clientID)+len(body)))
	frame = binary.BigEndian.AppendUint16(frame, uint16(req.Key()))
	frame = binary.BigEndian.AppendUint16(frame, uint16(req.Version))
	frame = binary.BigEndian.AppendUint32(frame, 1)
	frame = binary.BigEndian.AppendUint16(frame, uint16(len(clientID)))
	frame = append(frame, clientID...)
	frame = append(frame, body...)
	if _, err := conn.Write(frame); err != nil {
		return 0, err
	}
	var size [4]byte
	if _, err := io.ReadFull(conn, size[:]); err != nil {
		return 0, err
	}
	n := binary.BigEndian.Uint32(size[:])
	if n < 4 || n > 1<<20 {
		return 0, fmt.Errorf("bad ListOffsets response size %d", n)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(conn, buf); err != nil {
		return 0, err
	}
	resp := req.ResponseKind().(*kmsg.ListOffsetsResponse)
	resp.Version = req.Version
	if err := resp.ReadFrom(buf[4:]); err != nil {
		return 0, err
	}
	for _, rt := range resp.Topics {
		for _, rp := range rt.Partitions {
			if rp.Partition != partition {
				continue
			}
			if err := kerr.ErrorForCode(rp.ErrorCode); err != nil {
				return 0, err
			}
			return rp.Offset, nil
		}
	}
	return 0, fmt.Errorf("ListOffsets answer without %s/%d", topic, partition)
}
