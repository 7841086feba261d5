package game

import (
	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
)

// controls are the player's intents for one Update; the game never looks
// at keys directly, so tests can press them.
type controls interface {
	PausePressed() bool
	StepPressed() bool
	MorePressed() bool
	FewerPressed() bool
	ResetPressed() bool
	QuitPressed() bool
	ScreenshotPressed() bool
	NextStrategyPressed() bool
	// StrategyKey returns the 0-based index of the number key pressed
	// (key 1 is index 0), or -1.
	StrategyKey() int
	OverlayPressed() bool
	PanelPressed() bool
	HelpPressed() bool
	GridPressed() bool
	TracePressed() bool
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

// keyboard reads the controls from Ebiten's key state. Keys are physical
// positions (US layout), so "+" is the "=" key with or without shift.
type keyboard struct{}

func anyJustPressed(keys ...ebiten.Key) bool {
	for _, k := range keys {
		if inpututil.IsKeyJustPressed(k) {
			return true
		}
	}
	return false
}

func (keyboard) PausePressed() bool { return inpututil.IsKeyJustPressed(ebiten.KeySpace) }
func (keyboard) StepPressed() bool  { return anyJustPressed(ebiten.KeyPeriod, ebiten.KeyNumpadDecimal) }
func (keyboard) MorePressed() bool  { return anyJustPressed(ebiten.KeyEqual, ebiten.KeyNumpadAdd) }
func (keyboard) FewerPressed() bool {
	return anyJustPressed(ebiten.KeyMinus, ebiten.KeyNumpadSubtract)
}
func (keyboard) ResetPressed() bool        { return inpututil.IsKeyJustPressed(ebiten.KeyR) }
func (keyboard) QuitPressed() bool         { return anyJustPressed(ebiten.KeyEscape, ebiten.KeyQ) }
func (keyboard) ScreenshotPressed() bool   { return inpututil.IsKeyJustPressed(ebiten.KeyF12) }
func (keyboard) NextStrategyPressed() bool { return inpututil.IsKeyJustPressed(ebiten.KeyTab) }

func (keyboard) StrategyKey() int {
	for i := range 9 {
		if anyJustPressed(ebiten.KeyDigit1+ebiten.Key(i), ebiten.KeyNumpad1+ebiten.Key(i)) {
			return i
		}
	}
	return -1
}

func (keyboard) OverlayPressed() bool { return inpututil.IsKeyJustPressed(ebiten.KeyM) }
func (keyboard) PanelPressed() bool   { return inpututil.IsKeyJustPressed(ebiten.KeyP) }
func (keyboard) HelpPressed() bool    { return anyJustPressed(ebiten.KeyH, ebiten.KeyF1) }
func (keyboard) GridPressed() bool    { return inpututil.IsKeyJustPressed(ebiten.KeyG) }
func (keyboard) TracePressed() bool   { return inpututil.IsKeyJustPressed(ebiten.KeyT) }

func (keyboard) Pointer() pointer {
	x, y := ebiten.CursorPosition()
	return pointer{
		x: x, y: y,
		attract: ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft),
		scatter: ebiten.IsMouseButtonPressed(ebiten.MouseButtonRight),
	}
}
