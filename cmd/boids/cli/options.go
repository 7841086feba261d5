// Package cli is the boids command's command line: the options, their
// flags and the profiles they ask for. It never imports Ebiten, so that a
// front end without a window (the workshop's headless mode) takes the same
// flags without needing cgo or a display.
package cli

import (
	"io"
	"time"

	"github.com/boids-project/boids/boids"
)

// Options is everything the command line decides.
type Options struct {
	Boids    int
	Strategy string
	Seed     uint64
	TPS      float64 // the simulation's target ticks per second
	// Procs sets GOMAXPROCS when above zero.
	Procs int
	// Width and Height are the world's size and the window's initial size.
	Width, Height int
	Edges         boids.Edges
	// Frames ends the program after that many frames; 0 runs until the
	// window is closed.
	Frames int
	// Screenshot, when set, is the PNG file the last frame is saved to.
	Screenshot string
	// Overlay shows the metrics overlay at start (M toggles it).
	Overlay bool
	// Panel opens the control panel at start (P toggles it).
	Panel bool
	// Cycle, when above zero, switches to the next design every Cycle:
	// a hands-off comparison of all of them, for the table and the CSV.
	Cycle time.Duration
	// MetricsCSV, when set, is the file that gets one row of figures per
	// second.
	MetricsCSV string
	// Shards is how many parts the partitioned designs split the map into.
	Shards int
	// Flight keeps a flight recorder of the execution trace running; T
	// writes it out. FlightSpike, when above zero, also writes it when a
	// tick or frame takes more than FlightSpike times the recent p99.
	Flight      bool
	FlightSpike float64
	// Profiles are the profiling files to write.
	Profiles Profiles
	// Mode is the regime the boids start in (F switches it).
	Mode boids.Mode
	// Colour is what the boids' colour shows at start (C cycles it).
	Colour string
	// Log receives every message line; nil discards them.
	Log io.Writer
}

// Colours are what the boids' colour can show, in the order C cycles them:
// each boid's heading, or its update rate against the median (free regime).
var Colours = []string{"heading", "rate"}

// Defaults are the command's defaults, seed aside.
func Defaults() Options {
	return Options{
		Boids:    2000,
		Strategy: boids.Designs()[0].Name,
		TPS:      60,
		Width:    1280,
		Height:   720,
		Edges:    boids.Wrap,
		Overlay:  true,
		Colour:   Colours[0],
		Shards:   boids.DefaultShards,
		// A trace of a spike needs the recorder running: the spike
		// trigger is on by default, the recorder is not, as it costs the
		// flock (README's Investigate contention).
		FlightSpike: 4,
	}
}

// Config is the simulation o asks for; log receives its message lines.
func (o Options) Config(log func(string)) boids.Config {
	p := boids.DefaultParams(float32(o.Width), float32(o.Height))
	p.Edges = o.Edges
	return boids.Config{
		Params:   p,
		Boids:    o.Boids,
		Seed:     o.Seed,
		TPS:      o.TPS,
		Strategy: o.Strategy,
		Mode:     o.Mode,
		Shards:   o.Shards,
		Log:      log,
	}
}
