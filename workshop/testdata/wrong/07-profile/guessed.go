// Wrong answer: the queries outnumber the moves, so they must be the ones
// holding the lock. The mutex profile says otherwise.

// Package profile holds your answers to exercise 7, measure before you
// optimise: fill in the constants from the profiles you take of the mutex
// design. The checker takes its own profiles and compares.
package profile

const (
	// Q1. The mutex profile charges each contended wait to the lock's
	// holder, at the call that released it. go tool pprof -top mutex.out
	// puts an Unlock first: which method of the mutex design,
	// boids.(*Mutex), calls it? "Neighbors" or "Move".
	HoldsContendedLock = "Neighbors"

	// Q2. The block profile charges each wait to the waiter. Counting only
	// the waits for the design's RWMutex, which method waits longer in
	// total? "Neighbors" or "Move".
	WaitsLongestForLock = "Move"

	// Q3. The block profile also holds a channel receive
	// (runtime.chanrecv2). Which function of the project does it, as
	// pprof names it (for example "boids.(*Sim).Step")? Is its wait a cost?
	Receives = "boids.(*Flock).boid"

	// Q4. pprof shows part of Move's wait as sync.(*Mutex).Lock (inline).
	// Which type's Lock method did Move call: "Mutex" or "RWMutex"?
	MoveLocks = "RWMutex"
)
