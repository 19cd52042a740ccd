package remote

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
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
		fakeMu.Lock()
		containerOf[m] = c
		fakeMu.Unlock()
	}
	return m, bm, err
}

// fakeCodec stands in for the model file format in the transport's tests: a
// "model" is the transport LP, encoded as its demand multiplier.
type fakeCodec struct{}

type fakeModel struct {
	BMult  float64
	Frozen bool
}

var (
	fakeMu     sync.Mutex
	fakeParams = map[*nnopt.Model]*nnopt.Parameter{}
	// containerOf is each test model's container.
	containerOf = map[*nnopt.Model]*nnopt.Container{}
)

func (fakeCodec) encodeModel(m *nnopt.Model) ([]byte, error) {
	fakeMu.Lock()
	p, ok := fakeParams[m]
	fakeMu.Unlock()
	if !ok {
		return nil, fmt.Errorf("fake codec: model %q was not built by the test", m.Name())
	}
	return json.Marshal(fakeModel{BMult: p.Values[0], Frozen: m.Frozen()})
}

func (fakeCodec) decodeModel(b []byte) (*nnopt.Container, *nnopt.Model, error) {
	var fm fakeModel
	if err := json.Unmarshal(b, &fm); err != nil {
		return nil, nil, fmt.Errorf("fake model: %w", err)
	}
	m, p, err := transport(fm.BMult)
	if err != nil {
		return nil, nil, err
	}
	if fm.Frozen {
		fakeMu.Lock()
		x := containerOf[m].Lookup("x").(*nnopt.Variable)
		fakeMu.Unlock()
		if err := m.Freeze(p, x.LAttr()); err != nil {
			return nil, nil, err
		}
	}
	fakeMu.Lock()
	fakeParams[m] = p
	fakeMu.Unlock()
	return nil, m, nil
}

func (fakeCodec) encodeOptions(o nnopt.Options) ([]byte, error) {
	return json.Marshal(o.IterationLimit)
}

func (fakeCodec) decodeOptions(b []byte) (nnopt.Options, error) {
	var o nnopt.Options
	err := json.Unmarshal(b, &o.IterationLimit)
	return o, err
}

func (c fakeCodec) encodeScenario(m *nnopt.Model) ([]byte, error) { return c.encodeModel(m) }

func (fakeCodec) applyScenario(m *nnopt.Model, b []byte) error {
	var fm fakeModel
	if err := json.Unmarshal(b, &fm); err != nil {
		return fmt.Errorf("fake scenario: %w", err)
	}
	fakeMu.Lock()
	defer fakeMu.Unlock()
	p := fakeParams[m]
	p.Values[0] = fm.BMult
	clear(containerOf[m].Lookup("x").(*nnopt.Variable).L) // the levels at Freeze
	return nil
}

func newTransport(t testing.TB, bmult float64) (*nnopt.Model, *nnopt.Parameter) {
	t.Helper()
	m, p, err := transport(bmult)
	if err != nil {
		t.Fatal(err)
	}
	fakeMu.Lock()
	fakeParams[m] = p
	fakeMu.Unlock()
	return m, p
}

// bigTransport is a transport LP of plants × markets with costs, supplies and
// demands from seed (total supply 20% above total demand), the demand multiplier
// bmult modifiable: the scenarios of the throughput benchmark.
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
