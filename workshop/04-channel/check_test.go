//go:build workshop

package main

import (
	"os"
	"testing"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/workshop/internal/check"
)

var exercise = check.Exercise{
	Number: 4,
	Name:   "share memory by communicating",
	File:   "channel.go",
	Hints: []string{
		"the owner must answer every query, on c.replies[r.id], or that boid waits forever.",
		`"boid N is ..., but ... was written", or a race in Read: moves were still queued when the tick ended.`,
		"a race on c.grid: during a tick only serve may touch it; everyone else asks.",
		"goroutines left after Close: close the request channel, then wait for serve (c.done).",
	},
	Next: "see it fly: go run . and compare it with mutex and stripes on the overlay.",
}

func TestMain(m *testing.M) { os.Exit(check.Main(m, exercise)) }

func TestChannel(t *testing.T) {
	check.Design(t, exercise, func() boids.Strategy { return NewChannel() })
}
