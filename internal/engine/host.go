package engine

import (
	"github.com/nnopt/nnopt/backend"
)

// The block's nlpsolve.Block methods take host slices. On the CPU backend they are
// wrapped without a copy; on a device backend the variables the block reads are
// uploaded and its outputs downloaded around each call.

// hostArgs keeps the vectors the host methods hand to the sweeps, one set per role,
// so that no call allocates.
type hostArgs struct {
	x, dir, out, hv roleVecs
	rows, w, wdot   roleVec
	dirOf           *[]float64 // the host direction the last JVP wrapped
}

type roleVecs struct {
	wraps []backend.HostVector
	vecs  []backend.Vector
}

type roleVec struct {
	wrap backend.HostVector
	vec  backend.Vector
}

// vectors returns s as backend vectors: wrapped on the CPU, else uploaded into the
// role's device vectors (only the blocks in want; the others stay nil).
func (b *Block) vectors(r *roleVecs, s [][]float64, upload bool) []backend.Vector {
	if len(r.vecs) != len(s) {
		r.wraps = make([]backend.HostVector, len(s))
		r.vecs = make([]backend.Vector, len(s))
	}
	if _, host := b.be.(*backend.CPU); host {
		for i := range s {
			r.wraps[i].Data = s[i]
			r.vecs[i] = &r.wraps[i]
			if s[i] == nil { // a block the caller does not want
				r.vecs[i] = nil
			}
		}
		return r.vecs
	}
	for _, vb := range b.vars {
		if s[vb] == nil {
			r.vecs[vb] = nil
			continue
		}
		if r.vecs[vb] == nil || r.vecs[vb].Len() != len(s[vb]) {
			r.vecs[vb] = b.be.NewVector(len(s[vb]))
		}
		if upload {
			b.be.Upload(r.vecs[vb], s[vb])
		}
	}
	return r.vecs
}

// download copies the device vectors of the blocks the block reads back to s.
func (b *Block) download(r *roleVecs, s [][]float64) {
	if _, host := b.be.(*backend.CPU); host {
		return
	}
	for _, vb := range b.vars {
		if s[vb] != nil {
			b.be.Download(s[vb], r.vecs[vb])
		}
	}
}

func (b *Block) vector(r *roleVec, s []float64, upload bool) backend.Vector {
	if _, host := b.be.(*backend.CPU); host {
		r.wrap.Data = s
		return &r.wrap
	}
	if r.vec == nil || r.vec.Len() != len(s) {
		r.vec = b.be.NewVector(len(s))
	}
	if upload {
		b.be.Upload(r.vec, s)
	}
	return r.vec
}

func (b *Block) fetch(r *roleVec, s []float64) {
	if _, host := b.be.(*backend.CPU); !host {
		b.be.Download(s, r.vec)
	}
}

func (b *Block) Eval(x [][]float64, r []float64) {
	h := &b.host
	b.EvalOn(b.vectors(&h.x, x, true), b.vector(&h.rows, r, false))
	b.fetch(&h.rows, r)
}

func (b *Block) JVP(v [][]float64, jv []float64) {
	h := &b.host
	h.dirOf = &v[0]
	b.JVPOn(b.vectors(&h.dir, v, true), b.vector(&h.rows, jv, false))
	b.fetch(&h.rows, jv)
}

func (b *Block) VJP(w []float64, g [][]float64) {
	h := &b.host
	b.VJPOn(b.vector(&h.w, w, true), b.vectors(&h.out, g, true))
	b.download(&h.out, g)
}

func (b *Block) HVP(w, wdot []float64, v [][]float64, hv [][]float64) {
	h := &b.host
	if len(v) == 0 || h.dirOf != &v[0] {
		b.tangentsOf = nil
	}
	h.dirOf = nil
	b.HVPOn(b.vector(&h.w, w, true), b.vector(&h.wdot, wdot, true), b.vectors(&h.dir, v, true), b.vectors(&h.hv, hv, true))
	b.download(&h.hv, hv)
}
