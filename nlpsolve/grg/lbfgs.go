package grg

// lbfgs keeps limited-memory quasi-Newton pairs on the superbasic variables.
// Pairs are stored full length; only the superbasics' entries are read. Any
// change of the superbasic set or the basis resets it.
type lbfgs struct {
	s, y  [][]float64
	rho   []float64
	alpha []float64
	k     int // pairs stored (≤ len(s)); the newest is at (next-1) mod len
	next  int
}

func (l *lbfgs) init(mem, n int) {
	l.s = make([][]float64, mem)
	l.y = make([][]float64, mem)
	for i := range l.s {
		l.s[i] = make([]float64, n)
		l.y[i] = make([]float64, n)
	}
	l.rho = make([]float64, mem)
	l.alpha = make([]float64, mem)
}

func (l *lbfgs) reset() { l.k, l.next = 0, 0 }

// push stores the pair (x - xPrev, r - rPrev) over idx when it has positive
// curvature.
func (l *lbfgs) push(idx []int, x, xPrev, r, rPrev []float64) {
	if len(l.s) == 0 {
		return
	}
	s, y := l.s[l.next], l.y[l.next]
	sy, ss, yy := 0.0, 0.0, 0.0
	for _, j := range idx {
		s[j] = x[j] - xPrev[j]
		y[j] = r[j] - rPrev[j]
		sy += s[j] * y[j]
		ss += s[j] * s[j]
		yy += y[j] * y[j]
	}
	if !(sy > 1e-10*ss) || yy == 0 {
		return
	}
	l.rho[l.next] = 1 / sy
	l.next = (l.next + 1) % len(l.s)
	if l.k < len(l.s) {
		l.k++
	}
}

// direction stores -H·r over idx in d (two-loop recursion).
func (l *lbfgs) direction(idx []int, r, d []float64) {
	for _, j := range idx {
		d[j] = -r[j]
	}
	if l.k == 0 {
		return
	}
	mem := len(l.s)
	i := l.next
	for t := 0; t < l.k; t++ {
		i = (i - 1 + mem) % mem
		a := 0.0
		for _, j := range idx {
			a += l.s[i][j] * d[j]
		}
		a *= l.rho[i]
		l.alpha[i] = a
		for _, j := range idx {
			d[j] -= a * l.y[i][j]
		}
	}
	newest := (l.next - 1 + mem) % mem
	yy := 0.0
	for _, j := range idx {
		yy += l.y[newest][j] * l.y[newest][j]
	}
	gamma := 1 / (l.rho[newest] * yy)
	for _, j := range idx {
		d[j] *= gamma
	}
	for t := 0; t < l.k; t++ {
		b := 0.0
		for _, j := range idx {
			b += l.y[i][j] * d[j]
		}
		b *= l.rho[i]
		for _, j := range idx {
			d[j] += (l.alpha[i] - b) * l.s[i][j]
		}
		i = (i + 1) % mem
	}
}
