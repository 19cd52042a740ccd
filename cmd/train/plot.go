package main

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/nnopt/nnopt/internal/fsutil"
)

// writeLossPlot draws the loss at every iteration on a log scale, like the picture of
// the reference's training run, as a PNG written atomically to path (run checked
// that it ends in .png).
func writeLossPlot(path, title string, trace []point) error {
	pts := make(plotter.XYs, 0, len(trace))
	for _, p := range trace {
		if p.Objective > 0 && !math.IsInf(float64(p.Objective), 0) { // a log axis shows positive values only
			pts = append(pts, plotter.XY{X: float64(p.Iter), Y: float64(p.Objective)})
		}
	}
	if len(pts) == 0 {
		return fmt.Errorf("-plot %s: no iteration with a positive loss to draw", path)
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "iteration"
	p.Y.Label.Text = "loss"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = decades{}
	p.Add(plotter.NewGrid())
	line, err := plotter.NewLine(pts)
	if err != nil {
		return fmt.Errorf("-plot %s: %w", path, err)
	}
	p.Add(line)
	w, err := p.WriterTo(6*vg.Inch, 4*vg.Inch, "png")
	if err != nil {
		return fmt.Errorf("-plot %s: %w", path, err)
	}
	if err := fsutil.WriteFileAtomic(path, func(out io.Writer) error {
		_, err := w.WriteTo(out)
		return err
	}, 0o644); err != nil {
		return fmt.Errorf("-plot %s: %w", path, err)
	}
	return nil
}

// decades labels the log axis at powers of ten, written exactly (1e-06, 0.01, 100).
type decades struct{}

func (decades) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.LogTicks{}.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			v := math.Pow(10, math.Round(math.Log10(ticks[i].Value)))
			ticks[i].Label = strconv.FormatFloat(v, 'g', -1, 64)
		}
	}
	return ticks
}

// plottable is the number of iterations writeLossPlot can draw: those with a
// positive, finite loss.
func plottable(trace []point) int {
	n := 0
	for _, p := range trace {
		if p.Objective > 0 && !math.IsInf(float64(p.Objective), 0) {
			n++
		}
	}
	return n
}
