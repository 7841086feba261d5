//go:build workshop

package main

import (
	"os"
	"testing"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/workshop/internal/check"
)

var exercise = check.Exercise{
	Number: 3,
	Name:   "coarse to fine",
	File:   "stripes.go",
	Hints: []string{
		"Neighbors: lock every stripe around the boid before scanning any, unlock after.",
		`"got boid N twice" or "missed boid N": a neighbour changed stripes between two of your locks.`,
		"deadlock: in which order do two goroutines take the same two locks? (s.around(0, rows) gives rows-1, 0, 1.)",
		"Move across stripes: hold both write locks, taken in the order Neighbors uses.",
	},
	Next: "see it fly: go run . and compare contention with mutex on the overlay.",
}

func TestMain(m *testing.M) { os.Exit(check.Main(m, exercise)) }

func TestStripes(t *testing.T) {
	check.Design(t, exercise, func() boids.Strategy { return NewStripes() })
}
