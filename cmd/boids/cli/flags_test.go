package cli

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/boids-project/boids/boids"
)

const clockSeed = 4242

// given are the defaults a command passes to Parse: the seed from its clock.
func given() Options {
	o := Defaults()
	o.Seed = clockSeed
	return o
}

func TestParse(t *testing.T) {
	def := given()
	def.Procs = runtime.GOMAXPROCS(0)
	shot := filepath.Join(t.TempDir(), "x.png")
	with := func(edit func(*Options)) Options {
		o := def
		edit(&o)
		return o
	}
	csv := filepath.Join(t.TempDir(), "m.csv")
	tests := []struct {
		name string
		args []string
		want Options
	}{
		{"defaults", nil, def},
		{"boids", []string{"-boids", "100000"}, with(func(o *Options) { o.Boids = 100000 })},
		{"strategy any case", []string{"-strategy", "MUTEX"}, with(func(o *Options) { o.Strategy = "mutex" })},
		{"seed", []string{"-seed", "7"}, with(func(o *Options) { o.Seed = 7 })},
		{"seed zero", []string{"-seed=0"}, with(func(o *Options) { o.Seed = 0 })},
		{"tps", []string{"-tps", "1000"}, with(func(o *Options) { o.TPS = 1000 })},
		{"procs", []string{"-procs", "1"}, with(func(o *Options) { o.Procs = 1 })},
		{"size", []string{"-size", "640X360"}, with(func(o *Options) { o.Width, o.Height = 640, 360 })},
		{"edges", []string{"-edges", "bounce"}, with(func(o *Options) { o.Edges = boids.Bounce })},
		{"frames", []string{"-frames", "30"}, with(func(o *Options) { o.Frames = 30 })},
		{"screenshot alone", []string{"-screenshot", shot}, with(func(o *Options) { o.Screenshot, o.Frames = shot, 120 })},
		{"screenshot with frames", []string{"-screenshot", shot, "-frames", "5"},
			with(func(o *Options) { o.Screenshot, o.Frames = shot, 5 })},
		{"no overlay", []string{"-overlay=false"}, with(func(o *Options) { o.Overlay = false })},
		{"cycle", []string{"-cycle", "20"}, with(func(o *Options) { o.Cycle = 20 * time.Second })},
		{"panel", []string{"-panel"}, with(func(o *Options) { o.Panel = true })},
		{"shards", []string{"-shards", "64"}, with(func(o *Options) { o.Shards = 64 })},
		{"flight", []string{"-flight", "-flight-spike", "2.5"}, with(func(o *Options) { o.Flight, o.FlightSpike = true, 2.5 })},
		{"metrics csv", []string{"-metrics-csv", csv}, with(func(o *Options) { o.MetricsCSV = csv })},
		{"mode", []string{"-mode", "Free"}, with(func(o *Options) { o.Mode = boids.Free })},
		{"colour", []string{"-colour", "rate"}, with(func(o *Options) { o.Colour = "rate" })},
		{"profiles", []string{"-cpuprofile", csv + ".cpu", "-trace", csv + ".trace", "-mutexprofile", csv + ".mutex",
			"-blockprofile", csv + ".block"}, with(func(o *Options) {
			o.Profiles = Profiles{CPU: csv + ".cpu", Trace: csv + ".trace", Mutex: csv + ".mutex", Block: csv + ".block"}
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			got, err := Parse("boids", tt.args, &stderr, given())
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Empty(t, stderr.String())
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string // the flag named and what it allows
	}{
		{[]string{"-boids", "0"}, "-boids: allowed a whole number 1..100000"},
		{[]string{"-boids", "100001"}, "-boids: allowed a whole number 1..100000"},
		{[]string{"-boids", "many"}, "-boids: allowed a whole number 1..100000"},
		{[]string{"-strategy", "spinlock"}, "-strategy: allowed mutex"},
		{[]string{"-seed", "-1"}, "-seed: allowed a whole number 0..18446744073709551615"},
		{[]string{"-tps", "0"}, "-tps: allowed a whole number 1..1000"},
		{[]string{"-tps", "1.5"}, "-tps: allowed a whole number 1..1000"},
		{[]string{"-procs", "257"}, "-procs: allowed a whole number 1..256"},
		{[]string{"-size", "63x720"}, "-size: allowed WxH with each side 64..16384"},
		{[]string{"-size", "1280"}, "-size: allowed WxH with each side 64..16384"},
		{[]string{"-size", "1280x16385"}, "-size: allowed WxH with each side 64..16384"},
		{[]string{"-edges", "torus"}, "-edges: allowed wrap, bounce"},
		{[]string{"-shards", "0"}, "-shards: allowed a whole number 1..64"},
		{[]string{"-shards", "65"}, "-shards: allowed a whole number 1..64"},
		{[]string{"-flight-spike", "-1"}, "-flight-spike: allowed a number 0..1000"},
		{[]string{"-flight-spike", "NaN"}, "-flight-spike: allowed a number 0..1000"},
		{[]string{"-frames", "-1"}, "-frames: allowed a whole number 0..1073741824"},
		{[]string{"-screenshot", "shot.jpg"}, "-screenshot: allowed a file name ending in .png"},
		{[]string{"-screenshot", ".png"}, "-screenshot: allowed a file name ending in .png"},
		{[]string{"-screenshot", "no/such/folder/x.png"}, "-screenshot: folder no/such/folder does not exist"},
		{[]string{"-metrics-csv", "no/such/folder/m.csv"}, "-metrics-csv: folder no/such/folder does not exist"},
		{[]string{"-cpuprofile", ""}, "-cpuprofile: allowed a file name"},
		{[]string{"-trace", "no/such/folder/t.out"}, "-trace: folder no/such/folder does not exist"},
		{[]string{"-mutexprofile", "no/such/m.prof"}, "-mutexprofile: folder no/such does not exist"},
		{[]string{"-blockprofile", "no/such/b.prof"}, "-blockprofile: folder no/such does not exist"},
		{[]string{"-overlay=maybe"}, "-overlay"},
		{[]string{"-cycle", "-1"}, "-cycle: allowed a whole number 0..3600"},
		{[]string{"-mode", "lockstep"}, "-mode: allowed ticked, free"},
		{[]string{"-colour", "red"}, "-colour: allowed heading, rate"},
		{[]string{"-speed", "3"}, "flag provided but not defined: -speed (see -h for the flags)"},
		{[]string{"1000"}, `unexpected argument "1000"`},
		{[]string{"-boids", "+5"}, `invalid value "+5" for flag -boids: allowed a whole number 1..100000`},
		{[]string{"-tps", "+60"}, "-tps: allowed a whole number 1..1000"},
		{[]string{"-frames", "+1"}, "-frames: allowed a whole number 0..1073741824"},
		{[]string{"-seed", "+1"}, "-seed: allowed a whole number 0..18446744073709551615"},
		{[]string{"-size", "+640x360"}, "-size: allowed WxH with each side 64..16384"},
		{[]string{"-overlay=maybe"}, `invalid value "maybe" for flag -overlay: allowed true, false`},
		{[]string{"-strategy", strings.Repeat("x", 100000)},
			`invalid value "` + strings.Repeat("x", 80) + `"… for flag -strategy: allowed mutex`},
		{[]string{"-" + strings.Repeat("y", 100000)}, "… (see -h for the flags)"},
		{[]string{strings.Repeat("z", 100000)}, `unexpected argument "` + strings.Repeat("z", 80) + `"…`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stderr bytes.Buffer
			_, err := Parse("boids", tt.args, &stderr, given())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "\n")
			assert.Empty(t, stderr.String(), "the caller prints the one line")
		})
	}
}

func TestParseHelp(t *testing.T) {
	var stderr bytes.Buffer
	_, err := Parse("boids", []string{"-h"}, &stderr, given())
	require.ErrorIs(t, err, flag.ErrHelp)
	for _, f := range []string{"-boids N", "-strategy NAME", "-seed N", "-tps N", "-procs N", "-size WxH",
		"-edges wrap|bounce", "-frames N", "-screenshot FILE.png",
		"-metrics-csv FILE", "-cpuprofile FILE", "-trace FILE", "-mutexprofile FILE", "-blockprofile FILE", "-panel", "-overlay", "-cycle N", "(default 2000)", "(default 1280x720)"} {
		assert.Contains(t, stderr.String(), f)
	}
}

// A command other than boids (the workshop's) passes its own defaults:
// flags not given keep them, and -h shows them under the command's name.
func TestParseOtherDefaults(t *testing.T) {
	def := given()
	def.Strategy, def.Procs, def.Cycle, def.Overlay = boids.DesignNames()[len(boids.DesignNames())-1], 1, 5*time.Second, false
	got, err := Parse("go run .", []string{"-boids", "500"}, io.Discard, def)
	require.NoError(t, err)
	want := def
	want.Boids = 500
	assert.Equal(t, want, got)

	var stderr bytes.Buffer
	_, err = Parse("go run .", []string{"-h"}, &stderr, def)
	require.ErrorIs(t, err, flag.ErrHelp)
	assert.True(t, strings.HasPrefix(stderr.String(), "Usage: go run . [flags]\n"), stderr.String())
	assert.Contains(t, stderr.String(), fmt.Sprintf("(default %s)", def.Strategy))
	assert.Contains(t, stderr.String(), "(default 5)")
}

// The workshop's headless mode parses these flags to run without a window:
// this package must build without Ebiten (and so without cgo).
func TestNoEbiten(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	require.NoError(t, err, "go list: %s", out)
	assert.NotContains(t, string(out), "ebiten")
	assert.Contains(t, string(out), "github.com/boids-project/boids/boids")
}

// Every error line stays short whatever the argument's length.
func TestParseErrorsAreBounded(t *testing.T) {
	long := strings.Repeat("é", 100000)
	for _, args := range [][]string{
		{"-strategy", long}, {"-boids", long}, {"-size", long}, {"-" + long}, {"-overlay=" + long}, {long},
		{"-cpuprofile", long}, {"-screenshot", long + ".png"},
	} {
		_, err := Parse("boids", args, io.Discard, given())
		require.Error(t, err)
		assert.Less(t, len([]rune(err.Error())), 250, "%.60s", err)
	}
}

// Outputs are checked before any is created: two flags naming one file,
// a folder, or a place that cannot be written are flag errors, and leave
// every existing file as it was.
func TestOutputsCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.prof")
	require.NoError(t, os.WriteFile(existing, []byte("keep me"), 0o644))
	linked := filepath.Join(dir, "linked.prof")
	require.NoError(t, os.Symlink(existing, linked))
	same := filepath.Join(dir, "same.bin")
	png := filepath.Join(dir, "x.png")
	dangling := filepath.Join(dir, "dangling")
	require.NoError(t, os.Symlink(filepath.Join(dir, "nowhere"), dangling))
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-cpuprofile", same, "-trace", same},
			fmt.Sprintf("-cpuprofile and -trace both name %q: each output needs its own file", same)},
		{[]string{"-metrics-csv", png, "-screenshot", png},
			fmt.Sprintf("-screenshot and -metrics-csv both name %q: each output needs its own file", png)},
		{[]string{"-mutexprofile", filepath.Join(dir, ".", "same.bin"), "-blockprofile", same}, "-mutexprofile and -blockprofile both name"},
		{[]string{"-cpuprofile", existing, "-trace", linked}, "-cpuprofile and -trace both name"},
		{[]string{"-cpuprofile", existing, "-metrics-csv", dir}, fmt.Sprintf("-metrics-csv %q: is a folder, not a file", dir)},
		{[]string{"-cpuprofile", existing, "-trace", "/proc/boids-test.trace"}, `-trace "/proc/boids-test.trace": cannot create: `},
		{[]string{"-metrics-csv", filepath.Join(existing, "m.csv")}, fmt.Sprintf("-metrics-csv: %s is not a folder", existing)},
		{[]string{"-screenshot", filepath.Join(existing, "sub", "x.png")}, fmt.Sprintf("-screenshot: %s is not a folder", existing)},
		{[]string{"-trace", filepath.Join(dangling, "t.out")}, fmt.Sprintf("-trace: %s is a broken symbolic link", dangling)},
		{[]string{"-cpuprofile", dangling}, fmt.Sprintf("-cpuprofile %q: is a broken symbolic link (to %q)", dangling, filepath.Join(dir, "nowhere"))},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, err := Parse("boids", tt.args, io.Discard, given())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			got, rerr := os.ReadFile(existing)
			require.NoError(t, rerr)
			assert.Equal(t, "keep me", string(got))
			assert.NoFileExists(t, same)
			assert.NoFileExists(t, png)
		})
	}

	// Checking creates nothing and changes nothing.
	fresh := filepath.Join(dir, "fresh.csv")
	_, err := Parse("boids", []string{"-cpuprofile", existing, "-metrics-csv", fresh, "-trace", "/dev/null"}, io.Discard, given())
	require.NoError(t, err)
	assert.NoFileExists(t, fresh)
	got, err := os.ReadFile(existing)
	require.NoError(t, err)
	assert.Equal(t, "keep me", string(got))
}
