package game

import (
	"fmt"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/boids-project/boids/boids"
)

// action is what the player asks for, with a key or a mouse button.
type action int

const (
	pauseAction action = iota
	stepAction
	moreAction
	fewerAction
	designAction // a number key: the design with that number
	nextAction
	resetAction
	overlayAction
	panelAction
	helpAction
	gridAction
	modeAction
	colourAction
	traceAction
	shotAction
	quitAction
	attractAction
	scatterAction
	numActions
)

// binding is one row of the key table.
type binding struct {
	label string // the keys as the help card and README.md's Keys table name them
	help  string
	act   action
	// keys are physical positions (US layout), so "+" is the "=" key with
	// or without shift; none for the mouse, which Pointer reads.
	keys []ebiten.Key
	// do carries the action out; quit (which ends Update) and the mouse
	// (a force while held, not a press) have none.
	do func(g *Game)
}

// keyTable is every key and mouse action, in the order the help card and
// the README list them; Update handles presses in this order too.
// TestREADMEKeys checks the README's table against it.
var keyTable = []binding{
	{"Space", "pause / resume", pauseAction, bind(ebiten.KeySpace), (*Game).togglePause},
	{". / keypad .", "one tick while paused", stepAction, bind(ebiten.KeyPeriod, ebiten.KeyNumpadDecimal), (*Game).step},
	{"+ / = / keypad +", fmt.Sprintf("double the boids (up to %d)", boids.MaxBoids), moreAction,
		bind(ebiten.KeyEqual, ebiten.KeyNumpadAdd), func(g *Game) { g.sim.Scale(2, 1) }},
	{"- / keypad -", "halve the boids (down to 1)", fewerAction,
		bind(ebiten.KeyMinus, ebiten.KeyNumpadSubtract), func(g *Game) { g.sim.Scale(1, 2) }},
	{"1 2 3 ...", "select a design by its number", designAction, digitKeys(), func(g *Game) { g.designKey(g.in.Digit()) }},
	{"Tab", "next design", nextAction, bind(ebiten.KeyTab), func(g *Game) { g.selectStrategy((g.strategy + 1) % len(g.designs)) }},
	{"R", "restart the flock with a new random seed", resetAction, bind(ebiten.KeyR), (*Game).reset},
	{"M", "metrics overlay on / off", overlayAction, bind(ebiten.KeyM), (*Game).toggleOverlay},
	{"P", "control panel on / off", panelAction, bind(ebiten.KeyP), func(g *Game) { g.showPanel = !g.showPanel }},
	{"H / F1", "the help card (these keys) on / off", helpAction, bind(ebiten.KeyH, ebiten.KeyF1), func(g *Game) { g.showHelp = !g.showHelp }},
	{"G", "grid's cells, heat map, neither", gridAction, bind(ebiten.KeyG), (*Game).cycleGridView},
	{"F", "ticked / free-running boids", modeAction, bind(ebiten.KeyF), (*Game).toggleMode},
	{"C", "colour the boids by heading / by update rate", colourAction, bind(ebiten.KeyC), func(g *Game) { g.setColour(g.colour.next()) }},
	{"T", "write the flight recorder's trace, boids-trace-YYYYMMDD-HHMMSS.out", traceAction, bind(ebiten.KeyT), func(g *Game) { g.flight.dump(time.Now(), "key T") }},
	{"F12", "save a screenshot, boids-YYYYMMDD-HHMMSS.png, in the current folder", shotAction, bind(ebiten.KeyF12), (*Game).screenshot},
	{"Esc / Q", "quit", quitAction, bind(ebiten.KeyEscape, ebiten.KeyQ), nil},
	{"left mouse", "attract the flock to the pointer (green ring: its reach)", attractAction, nil, nil},
	{"right mouse", "scatter the flock: the pointer is a predator (red ring)", scatterAction, nil, nil},
}

func bind(k ...ebiten.Key) []ebiten.Key { return k }

// digitKeys are 1..9 on the main keys, then on the keypad: the key at i
// selects design i%9.
func digitKeys() []ebiten.Key {
	var ks []ebiten.Key
	for _, first := range []ebiten.Key{ebiten.KeyDigit1, ebiten.KeyNumpad1} {
		for i := range 9 {
			ks = append(ks, first+ebiten.Key(i))
		}
	}
	return ks
}

// handleKeys carries out every action pressed since the last Update.
func (g *Game) handleKeys() {
	for _, b := range keyTable {
		if b.do != nil && g.in.Pressed(b.act) {
			b.do(g)
		}
	}
}

// designKey selects the design on number key i+1.
func (g *Game) designKey(i int) {
	if i < len(g.designs) {
		g.selectStrategy(i)
		return
	}
	g.log.printf("strategy: no design on key %d (keys 1..%d: %s)",
		i+1, len(g.designs), strings.Join(boids.DesignNames(), ", "))
}

// controls are the player's intents for one Update; the game never looks
// at keys directly, so tests can press them.
type controls interface {
	// Pressed reports whether a key bound to a was pressed since the
	// last Update.
	Pressed(a action) bool
	// Digit returns the 0-based index of the number key pressed (key 1 is
	// index 0), or -1.
	Digit() int
	// Pointer is the mouse: where it is, in logical window pixels, and
	// which button is held.
	Pointer() pointer
}

// pointer is the mouse's state for one Update.
type pointer struct {
	x, y    int
	attract bool // left button: the flock is drawn to the pointer
	scatter bool // right button: the pointer is a predator
}

// keyboard reads the controls from Ebiten's key state through keyTable.
type keyboard struct{}

func (keyboard) Pressed(a action) bool {
	for _, b := range keyTable {
		if b.act != a {
			continue
		}
		for _, k := range b.keys {
			if inpututil.IsKeyJustPressed(k) {
				return true
			}
		}
	}
	return false
}

func (keyboard) Digit() int {
	for _, b := range keyTable {
		if b.act != designAction {
			continue
		}
		for i, k := range b.keys {
			if inpututil.IsKeyJustPressed(k) {
				return i % 9
			}
		}
	}
	return -1
}

func (keyboard) Pointer() pointer {
	x, y := ebiten.CursorPosition()
	return pointer{
		x: x, y: y,
		attract: ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft),
		scatter: ebiten.IsMouseButtonPressed(ebiten.MouseButtonRight),
	}
}
