//go:build workshop

package main

import (
	"os"
	"testing"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/workshop/internal/check"
)

var exercise = check.Exercise{
	Number: 2,
	Name:   "find the race",
	File:   "racy.go",
	Hints: []string{
		"each report names two accesses to the same memory: which goroutines, which lines?",
		"the Flock wakes all boids at once: who reads r.boids[j] while boid j's goroutine writes it?",
		"a lock fixes it; so does giving readers and writers different memory until EndTick.",
	},
	Next: "see it fly: go run -race . (no report now), and answer the questions in README.md.",
	// The README asks whether the racy design passes without -race.
	TriesWithoutRace: true,
}

func TestMain(m *testing.M) { os.Exit(check.Main(m, exercise)) }

func TestRacy(t *testing.T) {
	check.Design(t, exercise, func() boids.Strategy { return NewRacy() })
}
