package cli

import (
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestInterruptedExitCode(t *testing.T) {
	assert.Equal(t, 130, Interrupted{syscall.SIGINT}.ExitCode())
	assert.Equal(t, 143, Interrupted{syscall.SIGTERM}.ExitCode())
	assert.Equal(t, "interrupted by SIGINT", Interrupted{os.Interrupt}.Error())
}
