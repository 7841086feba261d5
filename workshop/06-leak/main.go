//go:build !workshop

// Command 06-leak resizes a swarm a few times and counts the goroutines
// after each step: go run .
package main

import (
	"fmt"
	"runtime"
	"time"
)

func main() {
	fmt.Printf("start: %d goroutines\n", runtime.NumGoroutine())
	s := New(1000, 10*time.Millisecond)
	for _, n := range []int{1000, 200, 2000, 50, 500} {
		s.Resize(n)
		time.Sleep(100 * time.Millisecond)
		fmt.Printf("%5d boids, %4d ticks: %5d goroutines\n", s.Len(), s.Ticks(), runtime.NumGoroutine())
	}
	s.Stop()
	time.Sleep(100 * time.Millisecond)
	fmt.Printf("after Stop: %d goroutines (main alone is 1)\n", runtime.NumGoroutine())
}
