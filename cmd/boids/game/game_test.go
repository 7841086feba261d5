package game

import (
	"bytes"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
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
	pause, step, more, fewer, reset, quit, shot, next bool
	overlay, panel, help, grid, trace                 bool
	digit                                             int
	mouse                                             pointer
}

func (k *keys) PausePressed() bool        { return k.pause }
func (k *keys) StepPressed() bool         { return k.step }
func (k *keys) MorePressed() bool         { return k.more }
func (k *keys) FewerPressed() bool        { return k.fewer }
func (k *keys) ResetPressed() bool        { return k.reset }
func (k *keys) QuitPressed() bool         { return k.quit }
func (k *keys) ScreenshotPressed() bool   { return k.shot }
func (k *keys) NextStrategyPressed() bool { return k.next }
func (k *keys) StrategyKey() int          { return k.digit }
func (k *keys) OverlayPressed() bool      { return k.overlay }
func (k *keys) PanelPressed() bool        { return k.panel }
func (k *keys) HelpPressed() bool         { return k.help }
func (k *keys) GridPressed() bool         { return k.grid }
func (k *keys) TracePressed() bool        { return k.trace }
func (k *keys) Pointer() pointer          { return k.mouse }

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
	opts := cli.Defaults()
	opts.Boids, opts.Seed, opts.Width, opts.Height = n, 1, 640, 360
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

// until runs Updates until the latest snapshot satisfies ok.
func (h *harness) until(what string, ok func(*boids.Snapshot) bool) {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok(h.g.snap) {
		require.True(h.t, time.Now().Before(deadline), "waiting for %s; log:\n%s", what, h.log)
		time.Sleep(2 * time.Millisecond)
		require.NoError(h.t, h.g.Update())
	}
}

func TestKeysDriveTheSim(t *testing.T) {
	h := newHarness(t, 200)

	require.NoError(t, h.press(func(k *keys) { k.step = true }))
	assert.Contains(t, h.log.String(), "step: only while paused (Space pauses)\n")

	require.NoError(t, h.press(func(k *keys) { k.pause = true }))
	h.until("pause", func(s *boids.Snapshot) bool { return s.Paused })
	tick := h.g.snap.Tick
	require.NoError(t, h.press(func(k *keys) { k.step = true }))
	h.until("one step", func(s *boids.Snapshot) bool { return s.Tick == tick+1 })
	assert.Contains(t, h.log.String(), fmt.Sprintf("step (tick %d)", tick+1))

	require.NoError(t, h.press(func(k *keys) { k.more = true }))
	h.until("doubling", func(s *boids.Snapshot) bool { return len(s.Boids) == 400 })
	require.NoError(t, h.press(func(k *keys) { k.fewer = true }))
	require.NoError(t, h.press(func(k *keys) { k.fewer = true }))
	h.until("two halvings", func(s *boids.Snapshot) bool { return len(s.Boids) == 100 })
	assert.Contains(t, h.log.String(), "boids: 200 -> 400")
	assert.Contains(t, h.log.String(), "boids: 200 -> 100")

	require.NoError(t, h.press(func(k *keys) { k.reset = true }))
	h.until("reset", func(s *boids.Snapshot) bool { return s.Seed != 1 })
	assert.Contains(t, h.log.String(), "reset: seed")

	require.NoError(t, h.press(func(k *keys) { k.pause = true }))
	h.until("resume", func(s *boids.Snapshot) bool { return !s.Paused && s.Tick > tick+5 })

	assert.ErrorIs(t, h.press(func(k *keys) { k.quit = true }), ebiten.Termination)
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
		require.NoError(t, h.press(func(k *keys) { k.next = true }))
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
	r.fill(bs, v, 1)
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
	r.fill(big, v, 1)
	allocs := testing.AllocsPerRun(10, func() { r.fill(big[:5000], v, 1); r.fill(big, v, 1) })
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
		require.NoError(t, h.press(func(k *keys) { k.shot = true }))
		require.NotNil(t, h.g.shot, "F12 asks Draw for a copy of the screen")
		h.g.shot.img = image.NewRGBA(image.Rect(0, 0, 8, 4))
		require.NoError(t, h.g.Update())
		assert.Nil(t, h.g.shot)
	}
	files, err := filepath.Glob("boids-*.png")
	require.NoError(t, err)
	require.Len(t, files, 2, "log:\n%s", h.log)
	for _, f := range files {
		assert.Regexp(t, `^boids-\d{8}-\d{6}(-2)?\.png$`, f)
		assert.Contains(t, h.log.String(), "screenshot: "+f+" (8x4, tick ")
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
	require.NoError(t, h.press(func(k *keys) { k.overlay, k.panel, k.help, k.grid = true, true, true, true }))
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
	require.NoError(t, h.press(func(k *keys) { k.next = true }))
	require.NoError(t, h.press(func(k *keys) {}))
	p := h.g.panel
	assert.Equal(t, 1, p.design, "the design chosen by key")
	assert.Equal(t, 100, p.boids)
	assert.Equal(t, runtime.GOMAXPROCS(0), p.procs)
	assert.InDelta(t, 0.6, p.sep, 1e-6)
	assert.Equal(t, []string{"wrap", "bounce"}, p.edges)
}
