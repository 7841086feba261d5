package game

import "github.com/hajimehoshi/ebiten/v2"

// helpKeys is the help card: every key and mouse action.
var helpKeys = [][2]string{
	{"Space", "pause / resume"},
	{".", "one tick while paused"},
	{"+  -", "double / halve the boids"},
	{"1 2 3 ...", "select a design by its number"},
	{"Tab", "next design"},
	{"R", "restart the flock with a new seed"},
	{"M", "metrics overlay on / off"},
	{"P", "control panel on / off"},
	{"G", "grid's cells, heat map, neither"},
	{"T", "write the flight recorder's trace"},
	{"H  F1", "this help on / off"},
	{"left mouse", "attract the flock"},
	{"right mouse", "scatter the flock (a predator)"},
	{"F12", "save a screenshot"},
	{"Esc  Q", "quit"},
}

// help draws the help card centred on the screen, with the overlay's atlas.
type help struct {
	text page
	q    quads
}

func newHelp() *help {
	h := &help{}
	h.text.heading("KEYS")
	for _, k := range helpKeys {
		h.text.add(textColour).s("  ").s(k[0]).col(16).s(k[1])
	}
	h.text.add(dimColour).s("  While the panel holds the mouse or a field,")
	h.text.add(dimColour).s("  keys and mouse act on the panel only.")
	return h
}

func (h *help) draw(screen *ebiten.Image, a *atlas, scale float32) {
	lines := h.text.used()
	width := 0
	for i := range lines {
		width = max(width, len(lines[i].b))
	}
	pad := 10 * scale
	w := float32(width)*a.cellW + 2*pad
	ht := float32(len(lines))*a.cellH + 2*pad
	b := screen.Bounds()
	x := float32(int((float32(b.Dx()) - w) / 2))
	y := float32(int((float32(b.Dy()) - ht) / 2))
	h.q.reset()
	h.q.rect(a, x, y, w, ht, colour(0.02, 0.03, 0.05, 0.9))
	ty := y + pad
	for i := range lines {
		l := &lines[i]
		tx := h.q.text(a, x+pad, ty, l.b[:l.head], headColour)
		h.q.text(a, tx, ty, l.b[l.head:], l.c)
		ty += a.cellH
	}
	h.q.draw(screen, a)
}
