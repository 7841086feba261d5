package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/cmd/boids/cli"
)

var nan = math.NaN()

// repeated is the error for a list entry given twice: it would measure the
// same rows twice, and is more likely a typo than a wish.
func repeated(flag, f, why string) error {
	return fmt.Errorf("-%s: %s given twice%s: list each value once", flag, cli.Quote(f), why)
}

// parseCounts reads a comma-separated list of distinct integers in lo..hi
// for the flag called name.
func parseCounts(name, s string, lo, hi int) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		n, err := strconv.Atoi(f)
		if err != nil || strings.HasPrefix(f, "+") || n < lo || n > hi {
			return nil, fmt.Errorf("-%s: %s: want whole numbers %d..%d, comma-separated", name, cli.Quote(f), lo, hi)
		}
		if slices.Contains(out, n) {
			return nil, repeated(name, f, "")
		}
		out = append(out, n)
	}
	return out, nil
}

// strategyNames is every name -strategies accepts besides "all": the
// designs, then the baselines.
func strategyNames() []string { return append(boids.DesignNames(), boids.BaselineNames()...) }

// parseStrategies reads the -strategies list; "all" is every design and
// both baselines, so a name beside it is given twice.
func parseStrategies(s string) ([]string, error) {
	valid := strategyNames()
	var out []string
	all := false
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		names := []string{f}
		if f == "all" {
			names = valid
		} else if !slices.Contains(valid, f) {
			return nil, fmt.Errorf("-strategies: unknown %s: allowed %s, all", cli.Quote(f), strings.Join(valid, ", "))
		}
		for _, n := range names {
			if !slices.Contains(out, n) {
				out = append(out, n)
				continue
			}
			// One of the two is "all" (the other a name it includes), or
			// both are the same entry.
			if (f == "all") != all {
				return nil, repeated("strategies", n, ` ("all" includes it)`)
			}
			return nil, repeated("strategies", f, "")
		}
		all = all || f == "all"
	}
	return out, nil
}

// Combos lists every combination, grouped by design, then regime, then
// size, then GOMAXPROCS, the order the table shows them in. Baselines have
// no goroutine per boid to run free, and a design that does not claim the
// free regime (boids.Design.Free) is not run in it, so they only tick.
func Combos(strategies []string, sizes, procs []int, modes []boids.Mode) []Combo {
	free := map[string]bool{}
	for _, d := range boids.Designs() {
		free[d.Name] = d.Free
	}
	var out []Combo
	for _, s := range strategies {
		for _, m := range modes {
			if m == boids.Free && !free[s] {
				continue
			}
			for _, n := range sizes {
				for _, p := range procs {
					out = append(out, Combo{s, n, p, m})
				}
			}
		}
	}
	return out
}

// parseModes reads the -modes list.
func parseModes(s string) ([]boids.Mode, error) {
	var out []boids.Mode
	for _, f := range strings.Split(s, ",") {
		m, err := boids.ParseMode(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("-modes: %v", err)
		}
		if slices.Contains(out, m) {
			return nil, repeated("modes", strings.TrimSpace(f), "")
		}
		out = append(out, m)
	}
	return out, nil
}

// Amdahl fills each row's speed-up over the same design and size at the
// smallest GOMAXPROCS measured, and the parallel fraction p that speed-up
// implies: S = 1/((1-p) + p/N) solved for p, with N the ratio of the two
// GOMAXPROCS values.
func Amdahl(rows []Row) {
	for i := range rows {
		r := &rows[i]
		r.Speedup, r.Parallel = nan, nan
		var base *Row
		for j := range rows {
			o := &rows[j]
			if o.Strategy == r.Strategy && o.Mode == r.Mode && o.Boids == r.Boids && (base == nil || o.Procs < base.Procs) {
				base = o
			}
		}
		if base == r || base.Procs == r.Procs {
			continue
		}
		s := r.TicksPerSec() / base.TicksPerSec()
		n := float64(r.Procs) / float64(base.Procs)
		r.Speedup = s
		r.Parallel = (1 - 1/s) / (1 - 1/n)
	}
}

// ratio is row i's cost per boid-tick as a multiple of the named
// baseline's at the same size and GOMAXPROCS, NaN if it was not measured.
func ratio(rows []Row, i int, baseline string) float64 {
	r := rows[i]
	for _, o := range rows {
		if o.Strategy == baseline && o.Boids == r.Boids && o.Procs == r.Procs {
			return r.NsPerBoidTick() / o.NsPerBoidTick()
		}
	}
	return nan
}

// field is one column of a row: its machine name (CSV and JSON), its
// table heading, its value and how the table shows it.
type field struct {
	key, head string
	v         any // string, int or float64; NaN float means not applicable
	show      func(float64) string
}

func fields(rows []Row, i int) []field {
	r := rows[i]
	rtt := nan
	if r.RTTMean > 0 {
		rtt = float64(r.RTTMean)
	}
	p50, p99 := float64(r.TickP50), float64(r.TickP99)
	perNbr := nan // no neighbours, or in a free row the time is the pacing's
	if r.Neighbours > 0 && r.Mode != boids.Free {
		perNbr = r.NsPerBoidTick() / r.Neighbours
	}
	if r.Mode == boids.Free {
		p50, p99 = nan, nan // no ticks
	}
	return []field{
		{"strategy", "strategy", r.Strategy, nil},
		{"mode", "mode", r.Mode.String(), nil},
		{"boids", "boids", r.Boids, nil},
		{"gomaxprocs", "procs", r.Procs, nil},
		{"ticks", "", r.Ticks, nil},
		{"ticks_per_s", "ticks/s", r.TicksPerSec(), fixed(1)},
		{"tick_p50_ns", "p50", p50, dur},
		{"tick_p99_ns", "p99", p99, dur},
		{"ns_per_boid_tick", "ns/boid-tick", r.NsPerBoidTick(), fixed(0)},
		{"cpu_ns_per_update", "cpu ns/update", r.CPUPerUpdate, fixed(0)},
		{"candidates_per_boid", "cand/boid", r.Candidates, fixed(1)},
		{"neighbours_per_boid", "nbrs/boid", r.Neighbours, fixed(1)},
		{"ns_per_neighbour", "ns/nbr", perNbr, fixed(1)},
		{"x_sequential", "x seq", ratio(rows, i, boids.Sequential), times},
		{"x_workers", "x workers", ratio(rows, i, boids.Workers), times},
		{"boid_updates_per_s", "updates/s", r.UpdatesPerSec(), si},
		{"lock_wait_ns_per_tick", "lock wait/tick", float64(r.LockWait), dur},
		{"contended_share", "contended", r.Contended, percent},
		{"rtt_mean_ns", "rtt mean", rtt, dur},
		{"cas_retries_per_tick", "CAS retries/tick", r.CASRetries, fixed(1)},
		{"allocs_per_tick", "allocs/tick", r.Allocs, fixed(2)},
		{"mem_bytes_per_boid", "mem/boid", r.MemPerBoid, fmtBytes},
		{"jain", "Jain", r.Jain, fixed(3)},
		{"gap_p99_ns", "gap p99", r.GapP99, dur},
		{"gap_max_ns", "gap max", r.GapMax, dur},
		{"staleness_p99_ns", "age p99", r.StalenessP99, dur},
		{"speedup", "speed-up", r.Speedup, times},
		{"parallel_fraction", "parallel p", r.Parallel, fixed(2)},
	}
}

func fixed(prec int) func(float64) string {
	return func(v float64) string { return strconv.FormatFloat(v, 'f', prec, 64) }
}

func times(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) + "x" }

func percent(v float64) string { return strconv.FormatFloat(100*v, 'f', 1, 64) + "%" }

func dur(v float64) string {
	d := time.Duration(v)
	switch {
	case d == 0:
		return "0"
	case d < time.Microsecond:
		return fmt.Sprintf("%dns", d.Nanoseconds())
	case d < time.Millisecond:
		return fmt.Sprintf("%.1fµs", float64(d)/1e3)
	case d < time.Second:
		return fmt.Sprintf("%.2fms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

func si(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

func fmtBytes(v float64) string {
	if math.Abs(v) >= 1024 {
		return fmt.Sprintf("%.2fKiB", v/1024)
	}
	return fmt.Sprintf("%.0fB", v)
}

func (f field) text() string {
	switch v := f.v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case float64:
		if math.IsNaN(v) {
			return "-"
		}
		return f.show(v)
	}
	panic(fmt.Sprintf("field %s: unexpected %T", f.key, f.v))
}

// WriteTable prints rows as an aligned table under the header lines.
func WriteTable(w io.Writer, header []string, rows []Row) error {
	for _, h := range header {
		if _, err := fmt.Fprintf(w, "# %s\n", h); err != nil {
			return err
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	var heads []string
	for _, f := range fields([]Row{{}}, 0) {
		if f.head != "" {
			heads = append(heads, f.head)
		}
	}
	fmt.Fprintln(tw, strings.Join(heads, "\t")+"\t")
	for i := range rows {
		var cells []string
		for _, f := range fields(rows, i) {
			if f.head != "" {
				cells = append(cells, f.text())
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	return tw.Flush()
}

// WriteCSV writes one header line of machine names, then one line per row
// with plain numbers (nanoseconds, bytes, shares as fractions); a column
// that does not apply to a row is empty.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	var keys []string
	for _, f := range fields([]Row{{}}, 0) {
		keys = append(keys, f.key)
	}
	if err := cw.Write(keys); err != nil {
		return err
	}
	for i := range rows {
		var rec []string
		for _, f := range fields(rows, i) {
			rec = append(rec, plain(f.v))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func plain(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case float64:
		if math.IsNaN(v) {
			return ""
		}
		return strconv.FormatFloat(v, 'g', 6, 64)
	}
	panic(fmt.Sprintf("unexpected %T", v))
}

// WriteJSON writes {"meta": {...}, "rows": [...]}, each row an object with
// the CSV's keys in the same order; a column that does not apply is null.
func WriteJSON(w io.Writer, meta map[string]any, rows []Row) error {
	var b strings.Builder
	m, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	fmt.Fprintf(&b, "{\n  \"meta\": %s,\n  \"rows\": [", m)
	for i := range rows {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n    {")
		for j, f := range fields(rows, i) {
			if j > 0 {
				b.WriteString(", ")
			}
			v := f.v
			if x, ok := v.(float64); ok && math.IsNaN(x) {
				v = nil
			}
			k, _ := json.Marshal(f.key)
			val, err := json.Marshal(v)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "%s: %s", k, val)
		}
		b.WriteString("}")
	}
	b.WriteString("\n  ]\n}\n")
	_, err = io.WriteString(w, b.String())
	return err
}
