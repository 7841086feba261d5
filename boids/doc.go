// Package boids is the flock simulation: Reynolds' rules, a uniform-grid
// spatial map, and the goroutine-per-boid flock whose shared map is guarded
// by a pluggable synchronization Strategy. It never imports a graphics
// library, so it builds, tests and benchmarks headless.
//
// A Flock runs one goroutine per boid. Each tick its owner wakes every boid
// once; each boid asks the Strategy for its neighbours, applies Step, and
// hands its new state back to the Strategy, concurrently with every other
// boid. In the free regime (RunFree) there are no ticks: each boid loops on
// its own, paced at a target rate, and nothing waits for all of them. A Sim
// runs a Flock on its own clock and publishes a Snapshot after every tick, or
// while free at up to 60 a second; each consumer reads it through its own
// Reader, which never waits, so a renderer never waits for the simulation.
//
// Every Strategy must pass boidstest.TestStrategy, the conformance suite in
// its own package, under the race detector; one that runs free must pass
// boidstest.TestFreeRunning too.
package boids
