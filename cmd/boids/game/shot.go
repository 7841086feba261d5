package game

import (
	"errors"
	"fmt"
	"image"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
)

// capture is a screenshot: Draw copies the screen into it and the next
// Update writes the file, so Draw does no I/O.
type capture struct {
	name  string
	final bool // the -screenshot frame: the program ends after it
	img   *image.RGBA
	at    string // how far the simulation on screen had got (boids.Snapshot.Progress)
}

func (c *capture) taken() bool { return c != nil && c.img != nil }

// take copies the screen; Ebiten's pixels are premultiplied RGBA, as
// image.RGBA's are, and the screen is opaque.
func (c *capture) take(screen *ebiten.Image, at string) {
	img := image.NewRGBA(screen.Bounds())
	screen.ReadPixels(img.Pix)
	c.img, c.at = img, at
}

// screenshot asks Draw for a copy of the screen, unless one is on its way.
func (g *Game) screenshot() {
	if g.shot == nil {
		g.shot = &capture{name: shotName(time.Now())}
	}
}

func (g *Game) save(c *capture) {
	name, err := writePNG(c.name, c.img, !c.final)
	switch {
	case err != nil && c.final:
		g.err = fmt.Errorf("screenshot: %w", err)
	case err != nil:
		g.log.printf("screenshot: %v", err)
	default:
		b := c.img.Bounds()
		g.log.printf("screenshot: %s (%dx%d, %s)", name, b.Dx(), b.Dy(), c.at)
	}
}

// shotName names an F12 screenshot after the local time.
func shotName(t time.Time) string { return t.Format("boids-20060102-150405.png") }

// writePNG writes img to name and returns the name used: with exclusive
// set, an existing file is kept and a numbered name is used instead.
func writePNG(name string, img image.Image, exclusive bool) (string, error) {
	f, name, err := create(name, exclusive)
	if err != nil {
		return name, err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return name, err
	}
	return name, f.Close()
}

// create creates the file name and returns the name used: with exclusive
// set, an existing file is kept and the first free numbered name (x-2.png,
// x-3.png, ...) is used instead, so a second F12 or T within a second,
// which the file names' times do not tell apart, gets a file of its own.
func create(name string, exclusive bool) (*os.File, string, error) {
	if !exclusive {
		f, err := os.Create(name)
		return f, name, err
	}
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 2; ; i++ {
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, fs.ErrExist) {
			return f, name, err
		}
		name = fmt.Sprintf("%s-%d%s", base, i, ext)
	}
}
