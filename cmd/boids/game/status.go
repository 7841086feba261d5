package game

import (
	"bytes"
	"fmt"
	"image/color"
	"strconv"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/boids-project/boids/assets"
	"github.com/boids-project/boids/boids"
)

const statusSize = 14 // font size in pixels before the device scale

var statusBacking color.Color = color.RGBA{0, 0, 0, 0xb0}

// statusLine is the one-line summary at the top left: frame rate, the
// simulation's actual and target tick rates, flock size, strategy, pause.
type statusLine struct {
	face *text.GoTextFace
	buf  []byte
	last string
	opts text.DrawOptions
}

func newStatusLine() (*statusLine, error) {
	src, err := text.NewGoTextFaceSource(bytes.NewReader(assets.GoMono))
	if err != nil {
		return nil, fmt.Errorf("status font: %w", err)
	}
	return &statusLine{face: &text.GoTextFace{Source: src, Size: statusSize}}, nil
}

// format rebuilds the line in a reused buffer and only makes a new string
// when the text changed, which the one-second averages make rare.
func (s *statusLine) format(fps float64, snap *boids.Snapshot) string {
	b := s.buf[:0]
	b = append(b, "FPS "...)
	b = strconv.AppendFloat(b, fps, 'f', 1, 64)
	b = append(b, "  sim "...)
	b = strconv.AppendFloat(b, snap.ActualTPS, 'f', 1, 64)
	b = append(b, '/')
	b = strconv.AppendFloat(b, snap.TPS, 'f', -1, 64)
	b = append(b, ' ')
	b = append(b, rateUnit(snap.Mode)...)
	b = append(b, "  "...)
	b = strconv.AppendInt(b, int64(len(snap.Boids)), 10)
	b = append(b, " boids  "...)
	b = append(b, snap.Strategy...)
	if snap.Paused {
		b = append(b, "  paused"...)
	}
	s.buf = b
	if string(b) != s.last {
		s.last = string(b)
	}
	return s.last
}

// draw draws the line at the top left and returns the height it takes.
func (s *statusLine) draw(screen *ebiten.Image, line string, scale float64) float64 {
	s.face.Size = statusSize * scale
	w, h := text.Measure(line, s.face, 0)
	pad := 4 * scale
	vector.DrawFilledRect(screen, 0, 0, float32(w+2*pad), float32(h+2*pad), statusBacking, false)
	s.opts.GeoM.Reset()
	s.opts.GeoM.Translate(pad, pad)
	s.opts.ColorScale.Reset()
	s.opts.ColorScale.Scale(0.91, 0.91, 0.91, 1)
	text.Draw(screen, line, s.face, &s.opts)
	return h + 2*pad
}
