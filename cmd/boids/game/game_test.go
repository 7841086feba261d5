package game

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/cmd/boids/cli"
)

func TestMain(m *testing.M) {
	// Ebiten starts its own goroutines at init; the Sims' must all end.
	goleak.VerifyTestMain(m, goleak.IgnoreCurrent())
}

// keys are controls a test presses for one Update.
type keys struct {
	down  [numActions]bool
	digit int
	mouse pointer
}

func (k *keys) Pressed(a action) bool {
	if a == designAction {
		return k.digit >= 0
	}
	return k.down[a]
}
func (k *keys) Digit() int       { return k.digit }
func (k *keys) Pointer() pointer { return k.mouse }

// syncBuffer collects log lines written by the game and the Sim's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type harness struct {
	t   *testing.T
	g   *Game
	k   *keys
	log *syncBuffer
}

func newHarness(t *testing.T, n int) *harness {
	return newHarnessWith(t, n, func(*cli.Options) {})
}

// newHarnessWith is newHarness with the options edited first.
func newHarnessWith(t *testing.T, n int, edit func(*cli.Options)) *harness {
	opts := cli.Defaults()
	opts.Boids, opts.Seed, opts.Width, opts.Height = n, 1, 640, 360
	edit(&opts)
	out := &syncBuffer{}
	log := &logger{w: out}
	sim, err := boids.NewSim(opts.Config(log.line))
	require.NoError(t, err)
	t.Cleanup(sim.Stop)
	k := &keys{digit: -1}
	g, err := newGame(opts, sim, k, log)
	require.NoError(t, err)
	return &harness{t: t, g: g, k: k, log: out}
}

// press runs one Update with the keys set by edit held down.
func (h *harness) press(edit func(*keys)) error {
	edit(h.k)
	defer func() { *h.k = keys{digit: -1} }()
	return h.g.Update()
}

// until runs Updates until the latest snapshot satisfies ok. The deadline
// only ends a test that would otherwise hang: the coordinator publishes on
// its own clock, and under -race on a loaded 2-core machine 5 s was once
// not enough for three publications.
func (h *harness) until(what string, ok func(*boids.Snapshot) bool) {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok(h.g.snap) {
		require.True(h.t, time.Now().Before(deadline), "waiting for %s; log:\n%s", what, h.log)
		time.Sleep(2 * time.Millisecond)
		require.NoError(h.t, h.g.Update())
	}
}

func TestKeysDriveTheSim(t *testing.T) {
	h := newHarness(t, 200)

	require.NoError(t, h.press(func(k *keys) { k.down[stepAction] = true }))
	assert.Contains(t, h.log.String(), "step: only while paused (Space pauses)\n")

	require.NoError(t, h.press(func(k *keys) { k.down[pauseAction] = true }))
	h.until("pause", func(s *boids.Snapshot) bool { return s.Paused })
	tick := h.g.snap.Tick
	require.NoError(t, h.press(func(k *keys) { k.down[stepAction] = true }))
	h.until("one step", func(s *boids.Snapshot) bool { return s.Tick == tick+1 })
	assert.Contains(t, h.log.String(), fmt.Sprintf("step (tick %d)", tick+1))

	require.NoError(t, h.press(func(k *keys) { k.down[moreAction] = true }))
	h.until("doubling", func(s *boids.Snapshot) bool { return len(s.Boids) == 400 })
	require.NoError(t, h.press(func(k *keys) { k.down[fewerAction] = true }))
	require.NoError(t, h.press(func(k *keys) { k.down[fewerAction] = true }))
	h.until("two halvings", func(s *boids.Snapshot) bool { return len(s.Boids) == 100 })
	assert.Contains(t, h.log.String(), "boids: 200 -> 400")
	assert.Contains(t, h.log.String(), "boids: 200 -> 100")

	require.NoError(t, h.press(func(k *keys) { k.down[resetAction] = true }))
	h.until("reset", func(s *boids.Snapshot) bool { return s.Seed != 1 })
	assert.Contains(t, h.log.String(), "reset: seed")

	require.NoError(t, h.press(func(k *keys) { k.down[pauseAction] = true }))
	h.until("resume", func(s *boids.Snapshot) bool { return !s.Paused && s.Tick > tick+5 })

	assert.ErrorIs(t, h.press(func(k *keys) { k.down[quitAction] = true }), ebiten.Termination)
}

func TestStrategyKeys(t *testing.T) {
	h := newHarness(t, 100)
	names := boids.DesignNames()

	if len(names) < 9 {
		require.NoError(t, h.press(func(k *keys) { k.digit = len(names) }))
		assert.Contains(t, h.log.String(), fmt.Sprintf("strategy: no design on key %d (keys 1..%d: %s)\n",
			len(names)+1, len(names), strings.Join(names, ", ")))
	}

	require.NoError(t, h.press(func(k *keys) { k.digit = 0 }))
	assert.Contains(t, h.log.String(), "strategy: "+names[0]+" already in use")

	for i := range 2 * len(names) {
		want := names[(i+1)%len(names)]
		require.NoError(t, h.press(func(k *keys) { k.down[nextAction] = true }))
		h.until("strategy "+want, func(s *boids.Snapshot) bool { return s.Strategy == want })
	}
}

func TestLayoutNeverZero(t *testing.T) {
	g := &Game{scale: 1}
	for _, size := range [][2]int{{0, 0}, {0, 500}, {500, 0}, {1, 1}} {
		w, h := g.Layout(size[0], size[1])
		assert.GreaterOrEqual(t, w, 1)
		assert.GreaterOrEqual(t, h, 1)
	}
	w, h := g.Layout(800, 600)
	assert.Equal(t, [2]int{int(math.Ceil(800 * g.scale)), int(math.Ceil(600 * g.scale))}, [2]int{w, h})
}

func TestFitKeepsAspect(t *testing.T) {
	tests := []struct {
		screenW, screenH int
		want             view
	}{
		{1280, 720, view{scale: 1, worldW: 1280, worldH: 720}},
		{640, 640, view{scale: 0.5, offY: 140, worldW: 1280, worldH: 720}},
		{2560, 720, view{scale: 1, offX: 640, worldW: 1280, worldH: 720}},
		{1, 1, view{scale: 1.0 / 1280, offY: (1 - 720.0/1280) / 2, worldW: 1280, worldH: 720}},
	}
	for _, tt := range tests {
		got := fit(1280, 720, tt.screenW, tt.screenH)
		assert.InDelta(t, tt.want.scale, got.scale, 1e-6)
		assert.InDelta(t, tt.want.offX, got.offX, 1e-4)
		assert.InDelta(t, tt.want.offY, got.offY, 1e-4)
	}
}

func TestTrianglesPointAlongHeading(t *testing.T) {
	r := newFlockRenderer()
	v := fit(1280, 720, 1280, 720)
	headings := []boids.Vec{{X: 2}, {Y: 2}, {X: -2}, {Y: -2}, {X: 1, Y: 1}}
	bs := make([]boids.Boid, len(headings))
	for i, h := range headings {
		bs[i] = boids.Boid{Pos: boids.Vec{X: 100, Y: 100}, Vel: h}
	}
	r.fill(bs, v, 1, tint{})
	require.Len(t, r.vertices, 3*len(bs))
	colours := map[rgb]bool{}
	for i, b := range bs {
		nose := r.vertices[3*i]
		dir := b.Vel.WithLen(1)
		assert.InDelta(t, 100+dir.X*noseLen, nose.DstX, 1e-4, "boid %d nose x", i)
		assert.InDelta(t, 100+dir.Y*noseLen, nose.DstY, 1e-4, "boid %d nose y", i)
		c := rgb{nose.ColorR, nose.ColorG, nose.ColorB}
		assert.Equal(t, c, rgb{r.vertices[3*i+2].ColorR, r.vertices[3*i+2].ColorG, r.vertices[3*i+2].ColorB})
		colours[c] = true
	}
	assert.Len(t, colours, len(bs), "each heading its own colour")
}

func TestFillAllocatesNothingOnceGrown(t *testing.T) {
	r := newFlockRenderer()
	v := fit(1280, 720, 1280, 720)
	big := boids.RandomBoids(boids.DefaultParams(1280, 720), 20000, rand.New(rand.NewPCG(1, 2)))
	r.fill(big, v, 1, tint{})
	allocs := testing.AllocsPerRun(10, func() { r.fill(big[:5000], v, 1, tint{}); r.fill(big, v, 1, tint{}) })
	assert.Zero(t, allocs)
}

func TestHueIndexCoversTheWheel(t *testing.T) {
	seen := map[int]bool{}
	for i := range 4 * hueSteps {
		a := float64(i) / (4 * hueSteps) * 2 * math.Pi
		idx := hueIndex(boids.Vec{X: float32(math.Cos(a)), Y: float32(math.Sin(a))})
		require.True(t, idx >= 0 && idx < hueSteps, "index %d", idx)
		seen[idx] = true
	}
	assert.Len(t, seen, hueSteps)
}

func TestAtan2(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vs := []boids.Vec{{X: 1}, {X: -1}, {Y: 1}, {Y: -1}, {X: 1, Y: 1}, {X: -1, Y: -1}, {X: 1e-30, Y: -1}, {X: -1, Y: 1e-30}}
	for range 100000 {
		vs = append(vs, boids.Vec{X: rng.Float32()*2 - 1, Y: rng.Float32()*2 - 1})
	}
	for _, v := range vs {
		want := math.Atan2(float64(v.Y), float64(v.X))
		require.InDelta(t, want, float64(atan2(v.Y, v.X)), 2e-5, "%v", v)
	}
	assert.Zero(t, atan2(0, 0), "no heading is heading 0, as math.Atan2 has it")
}

func TestStatusLine(t *testing.T) {
	s, err := newStatusLine()
	require.NoError(t, err)
	snap := &boids.Snapshot{Boids: make([]boids.Boid, 2000), Strategy: "mutex", TPS: 60, ActualTPS: 59.96}
	assert.Equal(t, "FPS 59.9  sim 60.0/60 ticks/s  2000 boids  mutex", s.format(59.94, snap))
	snap.Paused, snap.ActualTPS = true, 0
	assert.Equal(t, "FPS 60.0  sim 0.0/60 ticks/s  2000 boids  mutex  paused", s.format(60, snap))
	assert.Zero(t, testing.AllocsPerRun(10, func() { s.format(60, snap) }), "an unchanged line is not rebuilt")
}

func TestF12WritesANewFileEachTime(t *testing.T) {
	t.Chdir(t.TempDir())
	h := newHarness(t, 10)
	for range 2 {
		require.NoError(t, h.press(func(k *keys) { k.down[shotAction] = true }))
		require.NotNil(t, h.g.shot, "F12 asks Draw for a copy of the screen")
		h.g.shot.img, h.g.shot.at = image.NewRGBA(image.Rect(0, 0, 8, 4)), "tick 3" // as Draw's take leaves it
		require.NoError(t, h.g.Update())
		assert.Nil(t, h.g.shot)
	}
	files, err := filepath.Glob("boids-*.png")
	require.NoError(t, err)
	require.Len(t, files, 2, "log:\n%s", h.log)
	for _, f := range files {
		assert.Regexp(t, `^boids-\d{8}-\d{6}(-2)?\.png$`, f)
		assert.Contains(t, h.log.String(), "screenshot: "+f+" (8x4, tick 3)")
	}
}

func TestFinalScreenshotEndsTheGame(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, 10)
	h.g.opts.Frames, h.g.opts.Screenshot = 3, filepath.Join(dir, "last.png")
	h.g.stats.frames = 3
	require.NoError(t, h.g.Update(), "the frame is not saved yet")
	h.g.final = &capture{name: h.g.opts.Screenshot, final: true, img: image.NewRGBA(image.Rect(0, 0, 8, 4))}
	assert.ErrorIs(t, h.g.Update(), ebiten.Termination)
	assert.FileExists(t, h.g.opts.Screenshot)

	h.g.final, h.g.finalSaved = &capture{name: filepath.Join(dir, "missing", "x.png"), final: true, img: h.g.final.img}, false
	assert.ErrorIs(t, h.g.Update(), ebiten.Termination)
	assert.ErrorContains(t, h.g.err, "screenshot: ")
}

// TestQuitSavesTheScreenshot: a run with -screenshot that a quit key or a
// signal ends before its -frames still saves its last frame, one frame
// later; without -screenshot a quit ends the game at once.
func TestQuitSavesTheScreenshot(t *testing.T) {
	quitKey := func(h *harness) error { return h.press(func(k *keys) { k.down[quitAction] = true }) }
	sigterm := func(h *harness) error {
		h.g.quit = &signals{c: make(chan os.Signal, 1)}
		h.g.quit.c <- syscall.SIGTERM
		return h.g.Update()
	}
	for name, quit := range map[string]func(*harness) error{"key": quitKey, "signal": sigterm} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, 10)
			h.g.opts.Frames, h.g.opts.Screenshot = 1000, filepath.Join(t.TempDir(), "last.png")
			h.g.stats.frames = 5
			require.NoError(t, quit(h), "the game waits for one more frame")
			require.True(t, h.g.finalDue(), "the next frame is the screenshot's")
			h.g.final = &capture{name: h.g.opts.Screenshot, final: true, img: image.NewRGBA(image.Rect(0, 0, 8, 4)), at: "tick 3"} // as Draw leaves it
			assert.False(t, h.g.finalDue())
			assert.ErrorIs(t, h.g.Update(), ebiten.Termination)
			assert.FileExists(t, h.g.opts.Screenshot)
			assert.Contains(t, h.log.String(), "screenshot: "+h.g.opts.Screenshot+" (8x4, tick 3)")

			h = newHarness(t, 10)
			assert.ErrorIs(t, quit(h), ebiten.Termination, "no -screenshot: no frame to wait for")
			assert.False(t, h.g.finalDue())
		})
	}
}

func TestPointerAttractsAndScatters(t *testing.T) {
	h := newHarness(t, 50)
	h.g.screen = image.Pt(1280, 720)
	h.g.opts.Width, h.g.opts.Height = 1280, 720
	require.NoError(t, h.press(func(k *keys) { k.mouse = pointer{x: 640, y: 360, attract: true} }))
	h.until("attraction", func(s *boids.Snapshot) bool { return s.Params.Pull > 0 })
	assert.Equal(t, boids.Vec{X: 640, Y: 360}, h.g.snap.Params.Pointer)
	require.NoError(t, h.press(func(k *keys) { k.mouse = pointer{x: 100, y: 50, scatter: true} }))
	h.until("scattering", func(s *boids.Snapshot) bool { return s.Params.Pull < 0 })
	assert.Equal(t, boids.Vec{X: 100, Y: 50}, h.g.snap.Params.Pointer)
	require.NoError(t, h.press(func(k *keys) {}))
	h.until("release", func(s *boids.Snapshot) bool { return s.Params.Pull == 0 })

	h.g.handlePointer(true)
	h.k.mouse = pointer{x: 10, y: 10, attract: true}
	h.g.handlePointer(true)
	assert.Zero(t, h.g.params.Pull, "the panel holds the mouse: the flock feels nothing")
}

func TestRuleChangesLogOnceSettled(t *testing.T) {
	h := newHarness(t, 50)
	h.g.mouseDown = true
	h.g.editParams(func(p *boids.Params) { p.Separation = 0.7 })
	h.g.editParams(func(p *boids.Params) { p.Separation = 0.8 })
	h.g.logSettledParams()
	assert.NotContains(t, h.log.String(), "separation", "not while the slider is held")
	h.g.mouseDown = false
	h.g.logSettledParams()
	h.g.logSettledParams()
	assert.Equal(t, 1, strings.Count(h.log.String(), "separation: 0.6 -> 0.8\n"))
	h.until("new rules", func(s *boids.Snapshot) bool { return s.Params.Separation == 0.8 })

	h.g.editParams(func(p *boids.Params) { p.SepDist = 1000 })
	assert.Contains(t, h.log.String(), "rules: separation distance 1000")
	assert.InDelta(t, 9, h.g.params.SepDist, 0, "an invalid change is dropped")
}

func TestCycleSwitchesDesigns(t *testing.T) {
	h := newHarness(t, 50)
	h.g.opts.Cycle = time.Second
	t0 := time.Now()
	h.g.cycle(t0)
	h.g.cycle(t0.Add(500 * time.Millisecond))
	assert.Equal(t, 0, h.g.strategy)
	h.g.cycle(t0.Add(time.Second))
	assert.Equal(t, 1%len(h.g.designs), h.g.strategy)
}

func TestToggleKeys(t *testing.T) {
	h := newHarness(t, 50)
	require.True(t, h.g.showOverlay, "the overlay is on by default")
	require.NoError(t, h.press(func(k *keys) {
		k.down[overlayAction], k.down[panelAction], k.down[helpAction], k.down[gridAction] = true, true, true, true
	}))
	assert.False(t, h.g.showOverlay)
	assert.True(t, h.g.showPanel)
	assert.True(t, h.g.showHelp)
	assert.True(t, h.g.showGrid)
	assert.Contains(t, h.log.String(), "grid: shown\n")
}

func TestPanelMirrorsTheGame(t *testing.T) {
	h := newHarness(t, 100)
	h.g.showPanel = true
	h.g.screen = image.Pt(1280, 720)
	require.NoError(t, h.press(func(k *keys) { k.down[nextAction] = true }))
	require.NoError(t, h.press(func(k *keys) {}))
	p := h.g.panel
	assert.Equal(t, 1, p.design, "the design chosen by key")
	assert.Equal(t, "100", p.boids.text)
	assert.Equal(t, runtime.GOMAXPROCS(0), p.procs)
	assert.InDelta(t, 0.6, p.sep, 1e-6)
	assert.Equal(t, []string{"wrap", "bounce"}, p.edges)
}

// The rate field's lines name the rate as the Sim's line and the summary
// do in each regime.
func TestPanelRateFieldFollowsTheRegime(t *testing.T) {
	h := newHarness(t, 100)
	h.g.showPanel = true
	h.g.screen = image.Pt(1280, 720)
	require.NoError(t, h.press(func(k *keys) {}))
	assert.Equal(t, "ticks/s", h.g.panel.tps.name)
	require.NoError(t, h.press(func(k *keys) { k.down[modeAction] = true }))
	h.until("free", func(s *boids.Snapshot) bool { return s.Mode == boids.Free })
	require.NoError(t, h.press(func(k *keys) {}))
	assert.Equal(t, "updates/boid/s", h.g.panel.tps.name)
}

// The Shards field shows the bands that run when the world has fewer rows
// of cells than the setting asks for: the sharded design's regions, one
// per band.
func TestPanelShowsTheShardsThatRun(t *testing.T) {
	h := newHarnessWith(t, 100, func(o *cli.Options) { o.Strategy, o.Shards = "sharded", boids.MaxShards })
	h.g.showPanel = true
	h.g.screen = image.Pt(1280, 720)
	h.until("sharded", func(s *boids.Snapshot) bool { return s.Strategy == "sharded" && len(s.Regions) > 0 })
	require.NoError(t, h.press(func(k *keys) {}))
	run := len(h.g.snap.Regions)
	require.Less(t, run, boids.MaxShards, "the world caps the bands")
	assert.Equal(t, fmt.Sprintf("Shards (%d run)", run), h.g.panel.shardsLabel())
	assert.Equal(t, boids.MaxShards, h.g.panel.shards, "the field keeps the setting")
}

// The panel's number fields parse what is typed as the flags do: a bad
// entry keeps the value and says why, where debugui's NumberField read it
// as 0 and collapsed the flock to one boid.
// TestPanelKeepsGOMAXPROCSAboveTheCores: -procs may set more than the
// machine's cores; opening the panel must not clamp it to them. Before,
// the slider's range was 1..NumCPU and drawing it set GOMAXPROCS to
// NumCPU, with a line, though nobody touched it.
func TestPanelKeepsGOMAXPROCSAboveTheCores(t *testing.T) {
	more := runtime.NumCPU() + 3
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(more))
	h := newHarness(t, 100)
	h.g.showPanel = true
	h.g.screen = image.Pt(1280, 720)
	for range 3 {
		require.NoError(t, h.press(func(k *keys) {}))
	}
	assert.Equal(t, more, runtime.GOMAXPROCS(0))
	assert.Equal(t, more, h.g.panel.procs)
	assert.NotContains(t, h.log.String(), "GOMAXPROCS")
}

func TestPanelFieldRefusesBadEntries(t *testing.T) {
	f := &numberField{name: "boids", lo: 1, hi: boids.MaxBoids, step: 500}
	var applied []int
	apply := func(n int) { applied = append(applied, n) }
	for _, text := range []string{"abc", "1e3", "12 34", "99999999999999999999", "0", "100001", "+5", "", "-3", "5.0"} {
		f.text, f.editing = text, true
		msg := f.enter(2000, apply)
		assert.Equal(t, fmt.Sprintf("boids: %s refused (allowed a whole number 1..100000); kept 2000", strconv.Quote(strings.TrimSpace(text))), msg)
		assert.Equal(t, "2000", f.text, "the field shows the value kept")
		assert.False(t, f.editing)
	}
	assert.Empty(t, applied, "no bad entry reaches the Sim")

	f.text = " 500 "
	assert.Empty(t, f.enter(2000, apply))
	f.text = "2000"
	assert.Empty(t, f.enter(2000, apply), "the same value is no change")
	f.stepBy(99800, 500, apply)
	f.stepBy(300, -500, apply)
	f.stepBy(1, -500, apply)
	assert.Equal(t, []int{500, 100300, -200, -499}, applied, "a step goes to the Sim, which keeps the limits")
}

// The panel's - and + buttons at a limit say the same line as the keys do
// there, from the Sim's one table of limits.
func TestPanelButtonsAtALimitSayIt(t *testing.T) {
	h := newHarness(t, 1)
	p := h.g.panel
	require.NoError(t, h.press(func(k *keys) { k.down[fewerAction] = true }))
	const atOne = "boids: 1 (limits are 1..100000)\n"
	h.until("the key's line", func(*boids.Snapshot) bool { return strings.Contains(h.log.String(), atOne) })
	p.boids.stepBy(1, -p.boids.step, p.accept(func(n int) { h.g.sim.SetBoids(n) }))
	h.until("the button's line", func(*boids.Snapshot) bool { return strings.Count(h.log.String(), atOne) == 2 })

	h.g.setTPS(boids.MaxTPS)
	h.until("the top rate", func(s *boids.Snapshot) bool { return s.TPS == boids.MaxTPS })
	p.tps.stepBy(boids.MaxTPS, p.tps.step, p.accept(func(n int) { h.g.setTPS(float64(n)) }))
	h.until("the rate's line", func(*boids.Snapshot) bool {
		return strings.Contains(h.log.String(), "ticks/s: 1000 (limits are 1..1000)\n")
	})
	assert.Equal(t, float64(boids.MaxTPS), h.g.tps)
}

// A refused entry is one line on stderr and the panel's note, and the
// flock keeps its size.
func TestPanelRefusalIsLoggedAndShown(t *testing.T) {
	h := newHarness(t, 200)
	p := h.g.panel
	p.boids.text = "abc"
	p.refuse(h.g)(p.boids.enter(200, p.accept(func(n int) { h.g.sim.SetBoids(n) })))
	assert.Equal(t, `boids: "abc" refused (allowed a whole number 1..100000); kept 200`, p.note)
	assert.Equal(t, 1, strings.Count(h.log.String(), "refused"))
	h.until("a few ticks", func(s *boids.Snapshot) bool { return s.Tick > 3 })
	assert.Len(t, h.g.snap.Boids, 200)
	assert.NotContains(t, h.log.String(), "boids: 200 ->")
}

// A storm of random keys, mouse presses and panel actions, under the race
// detector, neither fails nor races, and leaves a flock that still ticks
// at the size the game last asked for.
func TestRandomActions(t *testing.T) {
	n := 750
	if testing.Short() {
		n = 150
	}
	t.Chdir(t.TempDir()) // F12 writes here
	h := newHarness(t, 300)
	h.g.screen = image.Pt(1280, 720)
	rng := rand.New(rand.NewPCG(9, 9))
	fields := []string{"abc", "1e3", "12 34", "99999999999999999999", "50", "400", "+5", "0", "30"}
	for i := range n {
		switch r := rng.IntN(10); {
		case r < 6:
			a := action(rng.IntN(int(numActions)))
			if a == quitAction || a == shotAction {
				a = pauseAction
			}
			require.NoError(t, h.press(func(k *keys) {
				if a == designAction {
					k.digit = rng.IntN(9)
				} else {
					k.down[a] = true
				}
			}), "action %d at step %d", a, i)
		case r < 8:
			m := pointer{x: rng.IntN(1400) - 60, y: rng.IntN(800) - 40, attract: rng.IntN(2) == 0, scatter: rng.IntN(3) == 0}
			require.NoError(t, h.press(func(k *keys) { k.mouse = m }))
		default:
			p := h.g.panel
			f := &p.boids
			if rng.IntN(2) == 0 {
				f = &p.tps
			}
			f.text = fields[rng.IntN(len(fields))]
			apply := func(v int) { h.g.sim.SetBoids(v) }
			if f == &p.tps {
				apply = func(v int) { h.g.setTPS(float64(v)) }
			}
			if msg := f.enter(len(h.g.snap.Boids), p.accept(apply)); msg != "" {
				p.refuse(h.g)(msg)
			}
			h.g.editParams(func(q *boids.Params) { q.Radius = float32(8 + rng.IntN(93)) })
		}
		overlayFrame(h.g)
	}
	if h.g.paused {
		require.NoError(t, h.press(func(k *keys) { k.down[pauseAction] = true }))
	}
	tick := h.g.snap.Tick
	h.until("ticks after the storm", func(s *boids.Snapshot) bool { return s.Tick > tick+3 })
	assert.NotContains(t, h.log.String(), "boids: 300 -> 0")
	for _, b := range h.g.snap.Boids {
		require.False(t, math.IsNaN(float64(b.Pos.X)) || math.IsNaN(float64(b.Pos.Y)), "a finite flock")
	}
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	w.n++
	return 0, errors.New("disk full")
}

type closer struct{ closed bool }

func (c *closer) Close() error { c.closed = true; return nil }

// At exit the metrics file gets the last part-second's row and is closed;
// a file whose write failed during the run is closed without another
// attempt, and its error is not reported twice.
func TestFinishWritesTheLastRowOnce(t *testing.T) {
	h := newHarness(t, 50)
	h.until("a tick", func(s *boids.Snapshot) bool { return s.Tick > 0 })
	var out bytes.Buffer
	var err error
	h.g.csv, err = newCSV(&out, time.Now())
	require.NoError(t, err)
	c := &closer{}
	h.g.csvFile = c
	h.g.meter.start = h.g.snap.Published.Add(-time.Millisecond)
	require.NoError(t, h.g.finish())
	assert.True(t, c.closed)
	assert.Equal(t, 2, strings.Count(out.String(), "\n"), "header and the last row")
	assert.Contains(t, h.log.String(), "frames: ")

	h = newHarness(t, 50)
	w := &failingWriter{}
	h.g.csv, c = &csvWriter{w: w, start: time.Now()}, &closer{}
	h.g.csvFile = c
	h.g.meter.start = h.g.snap.Published.Add(-2 * time.Second)
	assert.ErrorContains(t, h.g.measure(time.Now()), "metrics csv: disk full")
	require.NoError(t, h.g.finish(), "the error was the run's")
	assert.Equal(t, 1, w.n, "no second write to a failed file")
	assert.True(t, c.closed)
}
