package backend

import (
	"math"
	"testing"
)

// TestFuncDerivatives checks every function's first and second derivative against
// central differences of FuncEval itself, and FuncDerivs against FuncEval, at points
// inside each function's domain: a new Func is covered by adding it to the list.
func TestFuncDerivatives(t *testing.T) {
	points := []float64{0.3, 0.7, 1.3, 2.1}
	const h = 1e-5
	for _, fn := range Funcs() {
		for _, p := range []float64{0, 2.5} {
			if p != 0 && fn != Power {
				continue
			}
			for _, x := range points {
				if fn != Log && fn != Sqrt && fn != Power {
					x -= 1 // negative arguments too where defined
				}
				f, d1, d2 := FuncEval(fn, p, x)
				fp, d1p, _ := FuncEval(fn, p, x+h)
				fm, d1m, _ := FuncEval(fn, p, x-h)
				if fd := (fp - fm) / (2 * h); math.Abs(fd-d1) > 1e-6*(1+math.Abs(d1)) {
					t.Errorf("%v(%g; p=%g): f′ = %.12g, central difference %.12g", fn, x, p, d1, fd)
				}
				if fd := (d1p - d1m) / (2 * h); math.Abs(fd-d2) > 1e-6*(1+math.Abs(d2)) {
					t.Errorf("%v(%g; p=%g): f″ = %.12g, central difference of f′ %.12g", fn, x, p, d2, fd)
				}
				g1, g2 := FuncDerivs(fn, p, x, f)
				if math.Abs(g1-d1) > 1e-14*(1+math.Abs(d1)) || math.Abs(g2-d2) > 1e-14*(1+math.Abs(d2)) {
					t.Errorf("%v(%g; p=%g): FuncDerivs %g, %g, FuncEval %g, %g", fn, x, p, g1, g2, d1, d2)
				}
			}
		}
	}
}
