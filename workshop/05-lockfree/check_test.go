//go:build workshop

package main

import (
	"os"
	"testing"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/workshop/internal/check"
)

var exercise = check.Exercise{
	Number: 5,
	Name:   "lock-free",
	File:   "snapshot.go",
	Hints: []string{
		"Neighbors: which grid can readers use without a lock? One that nobody writes while they read it.",
		"Move: where can boid id write without meeting any other goroutine?",
		"EndTick: build into the grid nobody reads, then publish it; atomic.Pointer.Swap hands back the old one.",
		`"boid N is ..., but ... was written": EndTick did not publish the moves.`,
	},
	Next: "see it fly: go run . and watch tick time and rebuild time at 10k boids against mutex.",
}

func TestMain(m *testing.M) { os.Exit(check.Main(m, exercise)) }

func TestSnapshot(t *testing.T) {
	check.Design(t, exercise, func() boids.Strategy { return NewSnapshot() })
}
