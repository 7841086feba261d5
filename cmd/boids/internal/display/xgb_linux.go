package display

import (
	"bytes"
	"io"
	"log"
	"os"

	"github.com/jezek/xgb"
)

// Ebiten opens X connections of its own with xgb, which logs two lines
// per connection when there is no Xauthority file (a display started
// without access control, as a bare Xvfb is) and then connects without
// one. That is the normal case there, not news: drop those two lines and
// keep every other xgb message.
func init() {
	xgb.Logger = log.New(authNoise{os.Stderr}, "XGB: ", log.Lshortfile)
}

type authNoise struct{ w io.Writer }

func (a authNoise) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("authority info")) {
		return len(p), nil
	}
	return a.w.Write(p)
}
