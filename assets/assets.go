// Package assets holds the files the game embeds, so that the binary runs
// from any folder.
package assets

import _ "embed"

// GoMono is the Go Mono TrueType font (BSD licence, see LICENSE-gofont),
// written once from golang.org/x/image/font/gofont/gomono. Monospaced digits
// keep the status line from jittering as its figures change.
//
//go:embed gomono.ttf
var GoMono []byte
