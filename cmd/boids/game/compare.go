package game

import (
	"fmt"

	"github.com/boids-project/boids/boids"
)

// comparison keeps the latest steady-state figures of each design run in
// this session at one boid count, GOMAXPROCS and regime, so that switching
// designs and watching compares like with like. Another count, GOMAXPROCS
// or regime starts it afresh, and it says why.
type comparison struct {
	boids, procs int
	mode         boids.Mode
	designs      []boids.Design // fixed once the sim has started
	rows         []figures      // by index in designs
	have         []bool
	reset        string // why the table was last emptied, for the overlay
}

// add records f if it is a steady window; it empties the table first when
// f ran at another count or GOMAXPROCS.
func (c *comparison) add(f *figures) {
	if !f.steady || f.paused || (f.ticks == 0 && f.free.mode != boids.Free) {
		return
	}
	i := designIndex(c.designs, f.strategy)
	if i < 0 {
		return
	}
	if len(c.rows) != len(c.designs) {
		c.rows = make([]figures, len(c.designs))
		c.have = make([]bool, len(c.designs))
	}
	if f.boids != c.boids || f.procs != c.procs || f.free.mode != c.mode {
		if c.boids != 0 {
			c.reset = resetReason(c, f)
		}
		clear(c.have)
		c.boids, c.procs, c.mode = f.boids, f.procs, f.free.mode
	}
	c.rows[i] = *f
	c.have[i] = true
}

func resetReason(c *comparison, f *figures) string {
	switch {
	case c.boids != f.boids:
		return fmt.Sprintf("reset: boids %d -> %d", c.boids, f.boids)
	case c.procs != f.procs:
		return fmt.Sprintf("reset: GOMAXPROCS %d -> %d", c.procs, f.procs)
	}
	return fmt.Sprintf("reset: mode %s -> %s", c.mode, f.free.mode)
}
