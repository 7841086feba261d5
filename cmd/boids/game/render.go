package game

import (
	"image"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/boids-project/boids/boids"
)

// Boid triangle in screen pixels (before the device scale): nose ahead of
// the position, two rear corners behind it, 7 long and 5 wide.
const (
	noseLen = 4.5
	tailLen = 2.5
	halfW   = 2.5
)

// maxPerBatch is the most triangles one DrawTriangles call can address
// with uint16 indices. Consecutive calls merge into one draw command.
const maxPerBatch = math.MaxUint16 / 3

var (
	backColor  color.Color = color.RGBA{0x07, 0x09, 0x0d, 0xff}
	worldColor color.Color = color.RGBA{0x10, 0x14, 0x1b, 0xff}
)

// hueSteps is the hue table's resolution: finer than the eye separates.
const hueSteps = 256

type rgb struct{ r, g, b float32 }

// hues maps a heading, in hueSteps steps of the full turn, to a colour.
var hues = func() [hueSteps]rgb {
	var t [hueSteps]rgb
	for i := range t {
		t[i] = hsv(float64(i)/hueSteps*360, 0.75, 1)
	}
	return t
}()

func hsv(h, s, v float64) rgb {
	f := func(n float64) float32 {
		k := math.Mod(n+h/60, 6)
		return float32(v - v*s*max(0, min(k, 4-k, 1)))
	}
	return rgb{f(5), f(3), f(1)}
}

func hueIndex(vel boids.Vec) int {
	turns := atan2(vel.Y, vel.X) / (2 * math.Pi) // -0.5..0.5
	return int(math.Floor(float64(turns*hueSteps))) & (hueSteps - 1)
}

// atan2 is math.Atan2 to within 2e-5 radians (under a thousandth of a hue
// step) in float32. math.Atan2 was about 45% of the CPU time of a frame
// drawn on the CPU at 100,000 boids (pprof of BenchmarkRaster); this takes
// about 60% of its time per call there. The polynomial is a minimax fit of
// atan on [0, 1]; the rest is octants.
func atan2(y, x float32) float32 {
	ax, ay := max(x, -x), max(y, -y)
	if ax == 0 && ay == 0 {
		return 0
	}
	z := min(ax, ay) / max(ax, ay)
	z2 := z * z
	a := z * (0.99997726 + z2*(-0.33262347+z2*(0.19354346+z2*(-0.11643287+z2*(0.05265332+z2*-0.01172120)))))
	if ay > ax {
		a = math.Pi/2 - a
	}
	if x < 0 {
		a = math.Pi - a
	}
	if y < 0 {
		a = -a
	}
	return a
}

// view maps world coordinates to screen pixels: the whole world scaled to
// fit the screen, keeping its aspect, centred.
type view struct {
	scale, offX, offY float32
	worldW, worldH    float32
}

func fit(worldW, worldH float32, screenW, screenH int) view {
	s := min(float32(screenW)/worldW, float32(screenH)/worldH)
	return view{
		scale:  s,
		offX:   (float32(screenW) - worldW*s) / 2,
		offY:   (float32(screenH) - worldH*s) / 2,
		worldW: worldW, worldH: worldH,
	}
}

// flockRenderer draws every boid as a triangle: on the GPU as vertices
// below rasterFrom boids, from there on the CPU into a pixel buffer (see
// raster.go). Its slices only ever grow, so its own work allocates nothing
// per frame once the largest flock has been drawn on the largest screen
// (Ebiten's own calls make a few small objects: 2 per WritePixels, 6 for a
// frame of 2,000 triangles, counted with AllocsPerRun).
type flockRenderer struct {
	white    *ebiten.Image
	vertices []ebiten.Vertex
	indices  []uint16
	opts     ebiten.DrawTrianglesOptions
	raster   raster
}

func newFlockRenderer() *flockRenderer {
	img := ebiten.NewImage(3, 3)
	img.Fill(color.White)
	// The inner pixel of a 3x3 image samples no edge colour.
	white := img.SubImage(image.Rect(1, 1, 2, 2)).(*ebiten.Image)
	idx := make([]uint16, 3*maxPerBatch)
	for i := range idx {
		idx[i] = uint16(i)
	}
	return &flockRenderer{white: white, indices: idx}
}

// fill writes three vertices per boid, pointing along its heading and
// coloured as t says; size scales the triangle.
func (r *flockRenderer) fill(bs []boids.Boid, v view, size float32, t tint) {
	if n := 3 * len(bs); cap(r.vertices) < n {
		r.vertices = make([]ebiten.Vertex, n)
	}
	r.vertices = r.vertices[:3*len(bs)]
	for i, b := range bs {
		x := v.offX + b.Pos.X*v.scale
		y := v.offY + b.Pos.Y*v.scale
		dx, dy := float32(1), float32(0)
		if l := b.Vel.Len(); l > 0 {
			dx, dy = b.Vel.X/l, b.Vel.Y/l
		}
		c := t.colour(i, b)
		vs := r.vertices[3*i : 3*i+3 : 3*i+3]
		nose, tail, w := noseLen*size, tailLen*size, halfW*size
		vs[0] = vertex(x+dx*nose, y+dy*nose, c)
		vs[1] = vertex(x-dx*tail-dy*w, y-dy*tail+dx*w, c)
		vs[2] = vertex(x-dx*tail+dy*w, y-dy*tail-dx*w, c)
	}
}

func vertex(x, y float32, c rgb) ebiten.Vertex {
	return ebiten.Vertex{
		DstX: x, DstY: y, SrcX: 1.5, SrcY: 1.5,
		ColorR: c.r, ColorG: c.g, ColorB: c.b, ColorA: 1,
	}
}

func (r *flockRenderer) draw(screen *ebiten.Image, bs []boids.Boid, v view, size float32, t tint) {
	if len(bs) >= rasterFrom {
		b := screen.Bounds()
		r.raster.rasterize(bs, v, b.Dx(), b.Dy(), size, t)
		screen.WritePixels(r.raster.pix)
		return
	}
	// Software GL (Xvfb, Mesa) pays for every full-screen pass, so a world
	// that fills the screen is one fill, and letterbox bars only add the
	// world's rectangle.
	if v.offX < 0.5 && v.offY < 0.5 {
		screen.Fill(worldColor)
	} else {
		screen.Fill(backColor)
		vector.DrawFilledRect(screen, v.offX, v.offY, v.worldW*v.scale, v.worldH*v.scale, worldColor, false)
	}
	r.fill(bs, v, size, t)
	for start := 0; start < len(r.vertices); start += 3 * maxPerBatch {
		vs := r.vertices[start:min(start+3*maxPerBatch, len(r.vertices))]
		screen.DrawTriangles(vs, r.indices[:len(vs)], r.white, &r.opts)
	}
}

func (g *Game) overlayAtlas() *atlas { return g.overlay.glyphs(g.scale) }

// drawShapes draws the grid's cells when shown and the pointer's ring
// while a button is held, in one batch.
func (g *Game) drawShapes(screen *ebiten.Image, a *atlas, v view) {
	q := &g.shapes
	q.reset()
	s := float32(g.scale)
	if g.showGrid {
		p := &g.params
		l := p.Layout()
		cols, rows := l.Cols, l.Rows
		cw, ch := l.CW*v.scale, l.CH*v.scale
		c := colour(0.5, 0.6, 0.8, 0.25)
		for i := 1; i < cols; i++ {
			q.rect(a, v.offX+float32(i)*cw, v.offY, s, p.H*v.scale, c)
		}
		for j := 1; j < rows; j++ {
			q.rect(a, v.offX, v.offY+float32(j)*ch, p.W*v.scale, s, c)
		}
	}
	if p := &g.params; p.Pull != 0 {
		c := colour(0.4, 1, 0.5, 0.8)
		if p.Pull < 0 {
			c = colour(1, 0.3, 0.3, 0.9)
		}
		cx, cy := v.offX+p.Pointer.X*v.scale, v.offY+p.Pointer.Y*v.scale
		for _, r := range [2]float32{p.Reach * v.scale, 6 * s} {
			const n = 48
			for i := range n {
				a0, a1 := float64(i)*2*math.Pi/n, float64(i+1)*2*math.Pi/n
				q.segment(a, cx+r*float32(math.Cos(a0)), cy+r*float32(math.Sin(a0)),
					cx+r*float32(math.Cos(a1)), cy+r*float32(math.Sin(a1)), 2*s, c)
			}
		}
	}
	q.draw(screen, a)
}

// view maps the world onto the screen as last laid out.
func (g *Game) view() view {
	return fit(float32(g.opts.Width), float32(g.opts.Height), max(1, g.screen.X), max(1, g.screen.Y))
}
