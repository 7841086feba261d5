package game

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeKeys is the key table as README.md should write it.
func readmeKeys() string {
	var b strings.Builder
	b.WriteString("| key | action |\n|---|---|\n")
	for _, k := range keyTable {
		b.WriteString("| " + k.label + " | " + k.help + " |\n")
	}
	return b.String()
}

// The README's Keys table is the key table: the same rows in the same
// order. On a mismatch the expected table is printed, ready to paste.
func TestREADMEKeys(t *testing.T) {
	b, err := os.ReadFile("../../../README.md")
	require.NoError(t, err)
	readme := string(b)
	_, section, ok := strings.Cut(readme, "\n## Keys\n")
	require.True(t, ok, "README.md has a Keys section")
	start := strings.Index(section, "\n| key | action |\n")
	require.GreaterOrEqual(t, start, 0, "the Keys section has a table")
	var got strings.Builder
	for _, line := range strings.SplitAfter(section[start+1:], "\n") {
		if !strings.HasPrefix(line, "|") {
			break
		}
		got.WriteString(line)
	}
	assert.Equal(t, readmeKeys(), got.String(), "README.md's Keys table; want:\n%s", readmeKeys())
}

// Every action has one row, every row keys or a mouse button, and the
// help card shows every row.
func TestKeyTable(t *testing.T) {
	seen := map[action]bool{}
	for _, b := range keyTable {
		assert.False(t, seen[b.act], "action %d twice", b.act)
		seen[b.act] = true
		mouse := b.act == attractAction || b.act == scatterAction
		assert.Equal(t, mouse, len(b.keys) == 0, b.label)
		assert.Equal(t, mouse || b.act == quitAction, b.do == nil, b.label)
	}
	assert.Len(t, seen, int(numActions))
	assert.Len(t, digitKeys(), 18)

	var card strings.Builder
	for _, l := range newHelp().text.used() {
		card.Write(l.b)
		card.WriteByte('\n')
	}
	for _, b := range keyTable {
		assert.Contains(t, card.String(), "  "+b.label+" ")
		assert.Contains(t, card.String(), b.help+"\n")
	}
}
