package main

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/boids-project/boids/boids"
)

// Chart plots ticks/s against flock size, one line per design, regime and
// GOMAXPROCS: a colour per design, a dash pattern per GOMAXPROCS and
// regime, and a marker per regime (free rows plot each boid's mean update
// rate). Both axes
// are logarithmic, since sizes and rates each span orders of magnitude and
// equal ratios should look equal; a dashed line marks 60 ticks/s.
func Chart(rows []Row, title string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "boids (constant density)"
	p.Y.Label.Text = "ticks/s"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	// Rates fall with size, so the lower left corner is free for the legend.
	p.Legend.Left = true
	p.Add(plotter.NewGrid())

	var strategies []string
	var sizes, procs []int
	var modes []boids.Mode
	for _, r := range rows {
		if !slices.Contains(modes, r.Mode) {
			modes = append(modes, r.Mode)
		}
		if !slices.Contains(strategies, r.Strategy) {
			strategies = append(strategies, r.Strategy)
		}
		if !slices.Contains(sizes, r.Boids) {
			sizes = append(sizes, r.Boids)
		}
		if !slices.Contains(procs, r.Procs) {
			procs = append(procs, r.Procs)
		}
	}
	slices.Sort(sizes)
	if slices.Contains(modes, boids.Free) {
		p.Y.Label.Text = "ticks/s (free: updates/s per boid)"
	}
	var ticks []plot.Tick
	for _, n := range sizes {
		ticks = append(ticks, plot.Tick{Value: float64(n), Label: strconv.Itoa(n)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)

	lo, hi := 60.0, 60.0
	for si, s := range strategies {
		for series, sm := range seriesOf(procs, modes) {
			np, m := sm.procs, sm.mode
			var xys plotter.XYs
			for _, r := range rows {
				if r.Strategy == s && r.Procs == np && r.Mode == m && r.TicksPerSec() > 0 {
					xys = append(xys, plotter.XY{X: float64(r.Boids), Y: r.TicksPerSec()})
					lo, hi = math.Min(lo, r.TicksPerSec()), math.Max(hi, r.TicksPerSec())
				}
			}
			if len(xys) == 0 {
				continue
			}
			slices.SortFunc(xys, func(a, b plotter.XY) int { return int(a.X - b.X) })
			l, pts, err := plotter.NewLinePoints(xys)
			if err != nil {
				return nil, err
			}
			l.Color = plotutil.Color(si)
			l.Dashes = plotutil.Dashes(series)
			l.Width = vg.Points(1.5)
			pts.Color = l.Color
			pts.Shape = plotutil.Shape(int(m))
			p.Add(l, pts)
			p.Legend.Add(fmt.Sprintf("%s %s, GOMAXPROCS %d", s, m, np), l, pts)
		}
	}
	if len(sizes) > 0 {
		ref, err := plotter.NewLine(plotter.XYs{{X: float64(sizes[0]), Y: 60}, {X: float64(sizes[len(sizes)-1]), Y: 60}})
		if err != nil {
			return nil, err
		}
		ref.Color = color.Gray{Y: 96}
		ref.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		p.Add(ref)
		p.Legend.Add("60 ticks/s", ref)
		if len(sizes) == 1 {
			// plot widens an empty range by one each way, which for one
			// boid is 0..2: no range on a log axis, and plot panics.
			p.X.Min, p.X.Max = float64(sizes[0])/2, float64(sizes[0])*2
		}
	}
	p.Y.Min, p.Y.Max = lo/1.5, hi*1.5
	p.Legend.ThumbnailWidth = vg.Points(30)
	p.Legend.Padding = vg.Points(2)
	p.Legend.XOffs = vg.Points(8)
	p.Legend.YOffs = vg.Points(8)
	return p, nil
}

// SaveChart writes the chart to file as a PNG.
func SaveChart(rows []Row, title, file string) error {
	p, err := Chart(rows, title)
	if err != nil {
		return err
	}
	c := vgimg.New(9*vg.Inch, 6*vg.Inch)
	// plot draws the title flush with the top edge; a margin keeps its
	// ascenders on the image.
	p.Draw(draw.Crop(draw.New(c), 0, 0, 0, -vg.Points(8)))
	return writeFile(file, func(w io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
		return err
	})
}

type procsMode struct {
	procs int
	mode  boids.Mode
}

// seriesOf lists the (GOMAXPROCS, regime) pairs, one dash pattern each.
func seriesOf(procs []int, modes []boids.Mode) []procsMode {
	var out []procsMode
	for _, m := range modes {
		for _, np := range procs {
			out = append(out, procsMode{np, m})
		}
	}
	return out
}
