//go:build !headless

package play

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/cmd/boids/game"
)

// Run registers d and opens the game on it; the built-in designs stay
// selectable with the number keys and Tab.
func Run(d boids.Design) {
	register(d)
	o := game.DefaultOptions()
	o.Strategy = d.Name
	o.Seed = uint64(time.Now().UnixNano())
	o.Log = os.Stderr
	fs := flag.NewFlagSet("play", flag.ContinueOnError)
	fs.IntVar(&o.Boids, "boids", o.Boids, fmt.Sprintf("number of boids, 1..%d", boids.MaxBoids))
	fs.StringVar(&o.Strategy, "strategy", o.Strategy, "design to start with: "+strings.Join(boids.DesignNames(), ", "))
	fs.Float64Var(&o.TPS, "tps", o.TPS, fmt.Sprintf("simulation ticks per second, 1..%d", boids.MaxTPS))
	fs.IntVar(&o.Procs, "procs", 0, "GOMAXPROCS (0: leave it)")
	fs.IntVar(&o.Frames, "frames", 0, "exit after N frames (0: when the window closes)")
	parse(fs)
	if err := game.Run(o); err != nil {
		fmt.Fprintln(os.Stderr, "workshop:", err)
		os.Exit(1)
	}
}
