package refmodel

import "math"

func tanh(x float64) float64 { return math.Tanh(x) }

func logSoftmax(z, dst []float64) {
	mx := math.Inf(-1)
	for _, v := range z {
		mx = math.Max(mx, v)
	}
	var s float64
	for _, v := range z {
		s += math.Exp(v - mx)
	}
	l := mx + math.Log(s)
	for i, v := range z {
		dst[i] = v - l
	}
}
