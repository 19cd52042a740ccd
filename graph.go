package nnopt

// Index layouts of tensors over sets, for the statistics of kernel patterns.

func strides(idx []*Set) []int {
	st := make([]int, len(idx))
	n := 1
	for d := len(idx) - 1; d >= 0; d-- {
		st[d] = n
		n *= idx[d].size
	}
	return st
}

// gatherMap maps each position of a tensor over out to the position of the tensor
// over in (whose sets are a subset of out's) holding the same index values.
func gatherMap(out, in []*Set) []int32 {
	if len(out) == len(in) {
		same := true
		for d := range out {
			same = same && out[d] == in[d]
		}
		if same {
			return nil
		}
	}
	inStride := strides(in)
	step := make([]int, len(out))
	for d, s := range out {
		for e, t := range in {
			if t == s {
				step[d] = inStride[e]
			}
		}
	}
	n := domainSize(out)
	m := make([]int32, n)
	pos := make([]int, len(out))
	off := 0
	for i := 0; i < n; i++ {
		m[i] = int32(off)
		for d := len(out) - 1; d >= 0; d-- {
			pos[d]++
			off += step[d]
			if pos[d] < out[d].size {
				break
			}
			off -= step[d] * pos[d]
			pos[d] = 0
		}
	}
	return m
}
