package game

import "github.com/hajimehoshi/ebiten/v2"

// help draws the help card centred on the screen, with the overlay's atlas.
type help struct {
	text page
	q    quads
}

func newHelp() *help {
	h := &help{}
	h.text.heading("KEYS")
	for _, b := range keyTable {
		h.text.add(textColour).s("  ").s(b.label).col(20).s(b.help)
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
