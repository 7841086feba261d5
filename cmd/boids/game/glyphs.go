package game

import (
	"image"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
)

// The overlay's text is drawn from a glyph atlas rather than with
// text.Draw: text.Draw takes a string, so changing figures would need a new
// string per line per update, and it keys its shaping cache by string. Go
// Mono has one advance for every glyph, so a line of ASCII is a row of
// equal cells, and a whole overlay (text, backing, graph) is one batch of
// quads built from byte slices, allocating nothing once grown.
const (
	firstGlyph = ' '
	lastGlyph  = '~'
	glyphCount = int(lastGlyph - firstGlyph + 1)
	atlasCols  = 16
)

// atlas holds the printable ASCII glyphs of one face size and a white cell
// for solid shapes. Build it on the draw path: it draws into an image.
type atlas struct {
	img          *ebiten.Image
	size         float64 // font size in pixels, device scale included
	cellW, cellH float32 // advance and line height, whole pixels
	white        [2]float32
}

func newAtlas(src *text.GoTextFaceSource, size float64) *atlas {
	face := &text.GoTextFace{Source: src, Size: size}
	m := face.Metrics()
	cw := float32(math.Ceil(text.Advance("M", face)))
	ch := float32(math.Ceil(m.HAscent + m.HDescent + m.HLineGap))
	rows := (glyphCount+1)/atlasCols + 1
	img := ebiten.NewImage(int(cw)*atlasCols, int(ch)*rows)
	var op text.DrawOptions
	buf := make([]byte, 1)
	for c := 0; c < glyphCount; c++ {
		op.GeoM.Reset()
		op.GeoM.Translate(float64(c%atlasCols)*float64(cw), float64(c/atlasCols)*float64(ch)+m.HLineGap/2)
		buf[0] = byte(firstGlyph + c)
		text.Draw(img, string(buf), face, &op)
	}
	// The white cell is the one after the last glyph; sampling its middle
	// never touches a neighbour.
	wx, wy := glyphCount%atlasCols, glyphCount/atlasCols
	img.SubImage(image.Rect(wx*int(cw), wy*int(ch), (wx+1)*int(cw), (wy+1)*int(ch))).(*ebiten.Image).Fill(color.White)
	return &atlas{
		img: img, size: size, cellW: cw, cellH: ch,
		white: [2]float32{(float32(wx) + 0.5) * cw, (float32(wy) + 0.5) * ch},
	}
}

// quads is a batch of textured quads over one atlas, drawn with one call.
type quads struct {
	vs  []ebiten.Vertex
	is  []uint16
	opt ebiten.DrawTrianglesOptions
}

// maxQuads keeps indices within uint16.
const maxQuads = math.MaxUint16 / 4

func (q *quads) reset() { q.vs, q.is = q.vs[:0], q.is[:0] }

func (q *quads) quad(x0, y0, x1, y1, sx0, sy0, sx1, sy1 float32, c rgba) {
	if len(q.vs) >= 4*maxQuads {
		return
	}
	n := uint16(len(q.vs))
	q.vs = append(q.vs,
		ebiten.Vertex{DstX: x0, DstY: y0, SrcX: sx0, SrcY: sy0, ColorR: c.r, ColorG: c.g, ColorB: c.b, ColorA: c.a},
		ebiten.Vertex{DstX: x1, DstY: y0, SrcX: sx1, SrcY: sy0, ColorR: c.r, ColorG: c.g, ColorB: c.b, ColorA: c.a},
		ebiten.Vertex{DstX: x0, DstY: y1, SrcX: sx0, SrcY: sy1, ColorR: c.r, ColorG: c.g, ColorB: c.b, ColorA: c.a},
		ebiten.Vertex{DstX: x1, DstY: y1, SrcX: sx1, SrcY: sy1, ColorR: c.r, ColorG: c.g, ColorB: c.b, ColorA: c.a},
	)
	q.is = append(q.is, n, n+1, n+2, n+1, n+3, n+2)
}

// rect adds a solid rectangle; colours are premultiplied by the vertex
// colour, so a translucent backing is alpha in c.
func (q *quads) rect(a *atlas, x, y, w, h float32, c rgba) {
	wx, wy := a.white[0], a.white[1]
	q.quad(x, y, x+w, y+h, wx, wy, wx, wy, c)
}

// segment adds a line of width w from (x0, y0) to (x1, y1).
func (q *quads) segment(a *atlas, x0, y0, x1, y1, w float32, c rgba) {
	dx, dy := x1-x0, y1-y0
	l := float32(math.Hypot(float64(dx), float64(dy)))
	if l == 0 || len(q.vs) >= 4*maxQuads {
		return
	}
	nx, ny := -dy/l*w/2, dx/l*w/2
	wx, wy := a.white[0], a.white[1]
	n := uint16(len(q.vs))
	for _, p := range [4][2]float32{{x0 + nx, y0 + ny}, {x1 + nx, y1 + ny}, {x0 - nx, y0 - ny}, {x1 - nx, y1 - ny}} {
		q.vs = append(q.vs, ebiten.Vertex{DstX: p[0], DstY: p[1], SrcX: wx, SrcY: wy, ColorR: c.r, ColorG: c.g, ColorB: c.b, ColorA: c.a})
	}
	q.is = append(q.is, n, n+1, n+2, n+1, n+3, n+2)
}

// text adds a line of ASCII at (x, y), the top left of its first cell;
// other bytes show as '?'. It returns the x after the line.
func (q *quads) text(a *atlas, x, y float32, s []byte, c rgba) float32 {
	for _, b := range s {
		if b != ' ' {
			if b < firstGlyph || b > lastGlyph {
				b = '?'
			}
			g := int(b - firstGlyph)
			sx, sy := float32(g%atlasCols)*a.cellW, float32(g/atlasCols)*a.cellH
			q.quad(x, y, x+a.cellW, y+a.cellH, sx, sy, sx+a.cellW, sy+a.cellH, c)
		}
		x += a.cellW
	}
	return x
}

func (q *quads) draw(screen *ebiten.Image, a *atlas) {
	if len(q.is) > 0 {
		screen.DrawTriangles(q.vs, q.is, a.img, &q.opt)
	}
}

// rgba is a premultiplied vertex colour.
type rgba struct{ r, g, b, a float32 }

func colour(r, g, b, a float32) rgba { return rgba{r * a, g * a, b * a, a} }

var (
	textColour   = colour(0.91, 0.91, 0.91, 1)
	dimColour    = colour(0.6, 0.63, 0.68, 1)
	headColour   = colour(1, 0.78, 0.35, 1)
	warnColour   = colour(0.75, 0.2, 0.3, 0.9)
	backing      = colour(0.01, 0.015, 0.025, 0.82)
	frameColour  = colour(0.35, 0.55, 0.85, 0.9)
	cpuColour    = colour(1, 0.6, 0.2, 0.95)
	budgetColour = colour(0.4, 1, 0.4, 0.8)
)
