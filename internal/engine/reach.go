package engine

// Reach finds the elements of every symbol the block reads on its active rows (inside
// the equation's condition): a backward pass of booleans through the nodes, by index
// pattern only (a product with a zero still reads its operands). Parameters come to
// param, variable blocks to vari; both may be called several times for one symbol.
// Kernels are taken to read all of their arguments when any output is read.
func (b *Block) Reach(param func(handle any, act []bool), vari func(vb int, act []bool)) {
	acts := make(map[*Node][]bool, len(b.nodes))
	get := func(n *Node) []bool {
		a := acts[n]
		if a == nil {
			a = make([]bool, n.Size)
			acts[n] = a
		}
		return a
	}
	root := get(b.root)
	for i := 0; i < b.Rows(); i++ {
		if p := Pos(b.rowMap, i); p >= 0 && (b.rowOn == nil || b.rowOn[i] != 0) {
			root[p] = true
		}
	}
	for k := len(b.nodes) - 1; k >= 0; k-- {
		n := b.nodes[k]
		a := acts[n]
		if a == nil {
			continue
		}
		switch ops[n.Op].layout {
		case leaf:
			switch {
			case n.Op != OpRef:
			case n.Param != nil:
				param(n.Param, a)
			default:
				vari(n.VB, a)
			}
		case kernelwise:
			anyOn := false
			for _, on := range a {
				anyOn = anyOn || on
			}
			if anyOn {
				for _, arg := range n.Args {
					fillBool(get(arg), true)
				}
			}
		case contraction:
			c := n.Ctr
			rowOn, colOn := make([]bool, c.m), make([]bool, c.n)
			for i := 0; i < c.m; i++ {
				for j := 0; j < c.n; j++ {
					if a[i*c.n+j] {
						rowOn[i], colOn[j] = true, true
					}
				}
			}
			A, B := get(n.Args[0]), get(n.Args[1])
			for i := 0; i < c.m; i++ {
				if !rowOn[i] {
					continue
				}
				for p := 0; p < c.k; p++ {
					A[storeA(c, i, p)] = true
				}
			}
			for j := 0; j < c.n; j++ {
				if !colOn[j] {
					continue
				}
				for p := 0; p < c.k; p++ {
					B[storeB(c, p, j)] = true
				}
			}
		case reduction:
			arg := get(n.Args[0])
			for j := range arg {
				if a[Pos(n.Reduce, j)] {
					arg[j] = true
				}
			}
		case elementwise:
			for i, on := range a {
				if !on || (n.Mask != nil && n.Mask[i] == 0) {
					continue
				}
				for q, arg := range n.Args {
					if p := Pos(n.Gather[q], i); p >= 0 { // -1: a record the argument lacks
						get(arg)[p] = true
					}
				}
			}
		}
	}
}

// storeA is the position in A's storage of the logical element (i, p) of the M×K
// operand of a contraction; storeB the same for (p, j) of the K×N operand.
func storeA(c *Contraction, i, p int) int {
	switch {
	case c.permA != nil:
		return int(c.permA[i*c.k+p])
	case c.transA:
		return p*c.m + i
	}
	return i*c.k + p
}

func storeB(c *Contraction, p, j int) int {
	switch {
	case c.permB != nil:
		return int(c.permB[p*c.n+j])
	case c.transB:
		return j*c.k + p
	}
	return p*c.n + j
}

func fillBool(a []bool, v bool) {
	for i := range a {
		a[i] = v
	}
}
