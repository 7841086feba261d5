package cli

import (
	"os"
	"syscall"
)

// Interrupted is the error of a run that a signal (SIGINT, SIGTERM) asked
// to end, after it ended cleanly: files written, summary printed.
type Interrupted struct{ Signal os.Signal }

func (e Interrupted) Error() string {
	switch e.Signal {
	case syscall.SIGINT:
		return "interrupted by SIGINT"
	case syscall.SIGTERM:
		return "interrupted by SIGTERM"
	}
	return "interrupted by " + e.Signal.String()
}

// ExitCode is the shell's convention for a program ended by a signal:
// 128 plus its number, so 130 for SIGINT and 143 for SIGTERM.
func (e Interrupted) ExitCode() int {
	if s, ok := e.Signal.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 1
}
