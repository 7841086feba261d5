package game

import (
	"fmt"
	"image"
	"strconv"
	"strings"

	"github.com/ebitengine/debugui"

	"github.com/boids-project/boids/cmd/boids/cli"
)

// numberField is a panel field for a whole number lo..hi, with - and +
// buttons that step it. debugui's NumberField turns any text it cannot
// parse ("abc", "1e3", "12 34", a number too large for int64) into 0, so a
// typo would collapse the flock; this field parses the text itself, as the
// flags do, and a bad entry keeps the value and says why.
type numberField struct {
	name    string // in the log line and the panel's note
	lo, hi  int
	step    int
	text    string
	editing bool // the text is the player's, not the mirrored value
}

// show lays the field out in the current grid cell, showing value unless
// the player is typing; apply gets every accepted new value, refuse the
// line saying why an entry was refused.
func (f *numberField) show(ctx *debugui.Context, value int, apply func(int), refuse func(string)) {
	if !f.editing {
		f.text = strconv.Itoa(value)
	}
	ctx.IDScope(f.name, func() {
		ctx.GridCell(func(image.Rectangle) {
			ctx.SetGridLayout([]int{-1, 20, 20}, nil)
			before, entered := f.text, false
			ctx.TextField(&f.text).On(func() {
				entered = true
				if msg := f.enter(value, apply); msg != "" {
					refuse(msg)
				}
			})
			switch {
			case entered:
				// The field keeps the focus after Enter and would put
				// the refused text back from its own copy.
				ctx.SetTextFieldValue(f.text)
			case f.text != before:
				f.editing = true
			}
			ctx.Button("-").On(func() { f.stepBy(value, -f.step, apply) })
			ctx.Button("+").On(func() { f.stepBy(value, f.step, apply) })
		})
	})
}

// enter takes the text as typed (Enter, or the field losing the focus):
// a whole number lo..hi goes to apply, anything else leaves value as it
// is, and enter returns the line that says why.
func (f *numberField) enter(value int, apply func(int)) string {
	text := strings.TrimSpace(f.text)
	f.editing = false
	f.text = strconv.Itoa(value)
	n, err := cli.ParseWhole(text, f.lo, f.hi)
	if err != nil {
		return fmt.Sprintf("%s: %s refused (%v); kept %d", f.name, cli.Quote(text), err, value)
	}
	f.text = text
	if n != value {
		apply(n)
	}
	return ""
}

// stepBy moves value by delta. The Sim keeps it within its limits and
// says when a step goes past one, as it does for the keys, so the field
// passes the step on unclamped.
func (f *numberField) stepBy(value, delta int, apply func(int)) {
	f.editing = false
	apply(value + delta)
}
