package game

import (
	"fmt"

	"github.com/ebitengine/debugui"
)

// partitionWidgets are the panel's settings for the partitioned designs,
// the heat map and the flight recorder.
func (p *panel) partitionWidgets(ctx *debugui.Context, g *Game) {
	ctx.Checkbox(&p.heat, "Heat map (G)").On(func() { g.setHeat(p.heat) })
	ctx.Checkbox(&p.flight, "Flight recorder").On(func() { g.flight.set(p.flight) })
	ctx.SetGridLayout([]int{110, -1}, nil)
	ctx.Text(p.shardsLabel())
	ctx.NumberField(&p.shards, 1).On(func() { g.sim.SetShards(p.shards) })
}

// shardsLabel names the Shards field, with the bands that run when the
// world has fewer rows of cells than the setting asks for, so that the
// panel shows what runs.
func (p *panel) shardsLabel() string {
	if p.shardsRun != p.shards {
		return fmt.Sprintf("Shards (%d run)", p.shardsRun)
	}
	return "Shards"
}
