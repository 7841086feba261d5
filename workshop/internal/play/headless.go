//go:build headless

package play

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/boids-project/boids/boids"
)

// Run registers d and runs a flock on it without a window, printing the
// overlay's figures once a second until the time is up.
func Run(d boids.Design) {
	register(d)
	fs := flag.NewFlagSet("play", flag.ContinueOnError)
	n := fs.Int("boids", 2000, "number of boids")
	secs := fs.Int("seconds", 10, "how long to run")
	tps := fs.Float64("tps", 60, "target ticks per second")
	strategy := fs.String("strategy", d.Name, "design to run: "+strings.Join(boids.DesignNames(), ", "))
	parse(fs)
	sim, err := boids.NewSim(boids.Config{
		Params:   boids.DefaultParams(1280, 720),
		Boids:    *n,
		Seed:     1,
		TPS:      *tps,
		Strategy: *strategy,
		Log:      func(msg string) { fmt.Println(msg) },
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer sim.Stop()
	var last boids.Counters
	for range *secs {
		time.Sleep(time.Second)
		s := sim.Snapshot()
		c := s.Counters
		fmt.Printf("%s: %d boids, %.0f ticks/s, tick %v (barrier %v, end %v), reads %d, contended %d, lock wait %v, messages %d, publishes %d\n",
			s.Strategy, len(s.Boids), s.ActualTPS, s.Times.Total().Round(time.Microsecond),
			s.Times.Barrier.Round(time.Microsecond), s.Times.End.Round(time.Microsecond),
			c.Reads-last.Reads, c.Contended-last.Contended, (c.LockWait - last.LockWait).Round(time.Microsecond),
			c.Messages-last.Messages, c.Publishes-last.Publishes)
		last = c
	}
}
