package backend

import "math"

// FuncEval returns f(x), f′(x) and f″(x); p is Power's exponent.
func FuncEval(fn Func, p, x float64) (f, d1, d2 float64) {
	switch fn {
	case Tanh:
		f = math.Tanh(x)
		d1 = 1 - f*f
		d2 = -2 * f * d1
	case Sigmoid:
		f = 1 / (1 + math.Exp(-x))
		d1 = f * (1 - f)
		d2 = d1 * (1 - 2*f)
	case Exp:
		f = math.Exp(x)
		d1, d2 = f, f
	case Log:
		f = math.Log(x)
		d1 = 1 / x
		d2 = -d1 * d1
	case Sqrt:
		f = math.Sqrt(x)
		d1 = 0.5 / f
		d2 = -0.5 * d1 / x
	case Sqr:
		f, d1, d2 = x*x, 2*x, 2
	case Power:
		f = math.Pow(x, p)
		d1 = p * math.Pow(x, p-1)
		d2 = p * (p - 1) * math.Pow(x, p-2)
	case Sin:
		f, d1 = math.Sincos(x)
		d2 = -f
	case Cos:
		s, c := math.Sincos(x)
		f, d1, d2 = c, -s, -c
	case Abs:
		f, d1 = math.Abs(x), 1
		if x < 0 {
			d1 = -1
		}
	case Erf:
		f = math.Erf(x)
		d1 = 2 / math.SqrtPi * math.Exp(-x*x)
		d2 = -2 * x * d1
	case Softplus:
		f = math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x)))
		d1 = 1 / (1 + math.Exp(-x))
		d2 = d1 * (1 - d1)
	}
	return
}

// FuncDerivs returns f′(x) and f″(x) given f = f(x): from f alone where the
// derivatives follow from it (tanh, sigmoid, exp), which saves re-evaluating the
// function in every sweep.
func FuncDerivs(fn Func, p, x, f float64) (d1, d2 float64) {
	switch fn {
	case Tanh:
		d1 = 1 - f*f
		return d1, -2 * f * d1
	case Sigmoid:
		d1 = f * (1 - f)
		return d1, d1 * (1 - 2*f)
	case Exp:
		return f, f
	}
	_, d1, d2 = FuncEval(fn, p, x)
	return d1, d2
}

// Formula computes op on one element's arguments: the definition every backend's
// Map follows.
func Formula(op Op, a []float64) float64 {
	switch op.Code {
	case Const:
		return op.P
	case Copy:
		return a[0]
	case Scale:
		return op.P * a[0]
	case Add:
		return a[0] + a[1]
	case Sub:
		return a[0] - a[1]
	case Mul:
		return a[0] * a[1]
	case Div:
		return a[0] / a[1]
	case MulPair:
		return a[0]*a[1] + a[2]*a[3]
	case DivTangent:
		return a[0]/a[2] - a[1]*a[3]/(a[2]*a[2])
	case DivAdjoint:
		return -a[0] * a[1] / (a[2] * a[2])
	case DivCurvature:
		q := a[4]
		return -(a[0]*a[1]+a[2]*a[3])/(q*q) + 2*a[2]*a[1]*a[5]/(q*q*q)
	case FuncValue:
		f, _, _ := FuncEval(op.Fn, op.P, a[0])
		return f
	case FuncTangent:
		d1, _ := FuncDerivs(op.Fn, op.P, a[0], a[1])
		return d1 * a[2]
	case FuncCurvature:
		d1, d2 := FuncDerivs(op.Fn, op.P, a[0], a[1])
		return d2*a[2]*a[3] + d1*a[4]
	case ExpDiff:
		return math.Exp(a[0] - a[1])
	case AddLog:
		return a[0] + math.Log(a[1])
	case SoftCurvature:
		return a[0]*a[1] + a[2]*a[0]*(a[3]-a[4])
	case Violation, ProjGrad, HoldAtBound, BoundStep:
		var x [5]float64
		copy(x[:], a)
		return boundFormula(op, &x)
	case Axpy:
		return a[0] + op.P*a[1]
	case Magnitude:
		return math.Abs(a[0])
	case Pick:
		if a[0] >= a[1] {
			return a[2]
		}
		return a[3]
	}
	panic("backend: unknown code " + op.Code.String())
}

// boundFormula is the value of the codes about bounds.
func boundFormula(op Op, a *[5]float64) float64 {
	switch op.Code {
	case Violation:
		return math.Max(a[1]-a[0], a[0]-a[2])
	case ProjGrad:
		if (a[1] <= a[2] && a[0] > 0) || (a[1] >= a[3] && a[0] < 0) {
			return 0
		}
		return a[0]
	case HoldAtBound:
		if a[1] == 0 && ((a[2] <= a[3] && a[0] < 0) || (a[2] >= a[4] && a[0] > 0)) {
			return 0
		}
		return a[0]
	case BoundStep:
		d := op.P * a[1]
		switch {
		case d > 0 && a[3] < math.Inf(1):
			return (a[3] - a[0]) / d
		case d < 0 && a[2] > math.Inf(-1):
			return (a[2] - a[0]) / d
		}
		return math.Inf(1)
	}
	panic("backend: not a bound code: " + op.Code.String())
}
