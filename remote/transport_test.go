package remote

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/nnopt/nnopt"
)

// transport is the reference's transportation LP with the demand multiplier bmult:
// supply(i): Σ_j x(i,j) ≤ a(i); demand(j): Σ_i x(i,j) ≥ bmult·b(j); minimise the
// shipping cost.
func transport(bmult float64) (*nnopt.Model, *nnopt.Parameter, error) {
	c := nnopt.NewContainer()
	i := c.NewSet("i", "seattle", "san-diego")
	j := c.NewSet("j", "new-york", "chicago", "topeka")
	a := c.NewParameter("a", i)
	b := c.NewParameter("b", j)
	d := c.NewParameter("d", i, j)
	bm := c.NewParameter("bmult")
	for _, err := range []error{a.SetValues([]float64{350, 600}), b.SetValues([]float64{325, 300, 275}),
		d.SetValues([]float64{2.5, 1.7, 1.8, 2.5, 1.8, 1.4}), bm.SetValues([]float64{bmult})} {
		if err != nil {
			return nil, nil, err
		}
	}
	x := c.NewVariable("x", nnopt.Positive, i, j)
	z := c.NewVariable("z", nnopt.Free)
	for _, err := range []error{
		c.NewEquation("cost").Define(nnopt.Eq(z, nnopt.Sum(nnopt.Mul(nnopt.Div(nnopt.Mul(nnopt.Const(90), d), nnopt.Const(1000)), x), i, j))),
		c.NewEquation("supply", i).Define(nnopt.Le(nnopt.Sum(x, j), a)),
		c.NewEquation("demand", j).Define(nnopt.Ge(nnopt.Sum(x, i), nnopt.Mul(bm, b))),
	} {
		if err != nil {
			return nil, nil, err
		}
	}
	m, err := c.NewModel("transport", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.LP, Sense: nnopt.Minimize, Objective: z})
	if err == nil {
		containerOf[m] = c
	}
	return m, bm, err
}

// containerOf is each test model's container (nnopt.Model does not give it).
var containerOf = map[*nnopt.Model]*nnopt.Container{}

func newTransport(t testing.TB, bmult float64) (*nnopt.Model, *nnopt.Parameter) {
	t.Helper()
	m, p, err := transport(bmult)
	if err != nil {
		t.Fatal(err)
	}
	return m, p
}

// bigTransport is a transport LP of plants × markets with costs, supplies and
// demands from seed (total supply 20% above total demand), the demand multiplier
// bmult modifiable: the scenarios of the throughput benchmark.
// slowPlants and slowMarkets size the LP of the tests that must see a job running
// (a worker's concurrency, its graceful stop): a few hundred milliseconds a solve on
// a quiet core, so a status poll every few milliseconds sees the solve even when the
// machine's load delays it. The simplex method solves LPs of a few dozen plants in
// milliseconds, which such a poll can miss.
const slowPlants, slowMarkets = 150, 200

func bigTransport(plants, markets int, seed uint64, bmult float64) (*nnopt.Model, *nnopt.Parameter, *nnopt.Variable, error) {
	r := rand.New(rand.NewPCG(seed, 0))
	c := nnopt.NewContainer()
	i := c.NewSet("i", labels("p", plants)...)
	j := c.NewSet("j", labels("m", markets)...)
	a, b, d, bm := c.NewParameter("a", i), c.NewParameter("b", j), c.NewParameter("d", i, j), c.NewParameter("bmult")
	dem := make([]float64, markets)
	total := 0.0
	for k := range dem {
		dem[k] = 50 + 100*r.Float64()
		total += dem[k]
	}
	sup := make([]float64, plants)
	for k := range sup {
		sup[k] = 1.2 * total / float64(plants) * (0.8 + 0.4*r.Float64())
	}
	dist := make([]float64, plants*markets)
	for k := range dist {
		dist[k] = 1 + 9*r.Float64()
	}
	for _, err := range []error{a.SetValues(sup), b.SetValues(dem), d.SetValues(dist), bm.SetValues([]float64{bmult})} {
		if err != nil {
			return nil, nil, nil, err
		}
	}
	x := c.NewVariable("x", nnopt.Positive, i, j)
	z := c.NewVariable("z", nnopt.Free)
	for _, err := range []error{
		c.NewEquation("cost").Define(nnopt.Eq(z, nnopt.Sum(nnopt.Mul(d, x), i, j))),
		c.NewEquation("supply", i).Define(nnopt.Le(nnopt.Sum(x, j), a)),
		c.NewEquation("demand", j).Define(nnopt.Ge(nnopt.Sum(x, i), nnopt.Mul(bm, b))),
	} {
		if err != nil {
			return nil, nil, nil, err
		}
	}
	m, err := c.NewModel("transport", nnopt.ModelSpec{Equations: c.Equations(), Problem: nnopt.LP, Sense: nnopt.Minimize, Objective: z})
	return m, bm, x, err
}

func labels(prefix string, n int) []string {
	out := make([]string, n)
	for k := range out {
		out[k] = fmt.Sprintf("%s%d", prefix, k+1)
	}
	return out
}
