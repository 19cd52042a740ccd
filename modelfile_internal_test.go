package nnopt

import (
	"testing"

	"github.com/nnopt/nnopt/backend"
	"github.com/nnopt/nnopt/internal/engine"
)

// TestEveryOperationHasAFileForm fails when an operation or a function is added to
// the algebra without its form in a model file.
func TestEveryOperationHasAFileForm(t *testing.T) {
	names := map[string]engine.Op{}
	for op := engine.Op(0); int(op) < engine.NumOps; op++ {
		c, ok := exprCodecs[op]
		_, never := notInExpressions[op]
		switch {
		case ok && never:
			t.Errorf("operation %d has a file form and is listed as never in an expression", op)
		case !ok && !never:
			t.Errorf("operation %d has no form in a model file: add it to exprCodecs", op)
		}
		if !ok {
			continue
		}
		if other, dup := names[c.name]; dup {
			t.Errorf("operations %d and %d are both %q in a file", other, op, c.name)
		}
		names[c.name] = op
		if c.write == nil || c.read == nil {
			t.Errorf("operation %q: write or read missing", c.name)
		}
	}
	for op := range exprCodecs {
		if int(op) >= engine.NumOps {
			t.Errorf("exprCodecs holds operation %d, which the engine does not have", op)
		}
	}
	for _, fn := range backend.Funcs() {
		if n := engine.FunctionName(fn); n == "" || fileFuncs[n] != fn {
			t.Errorf("function %v has no form in a model file (engine name %q)", fn, n)
		}
	}
}

// FileFormNames are the names of the operations (but kernel, which the tests cover
// with kernels of their own) and of the functions in a model file, for the external
// tests' coverage checks.
func FileFormNames() (ops, funcs []string) {
	for op, c := range exprCodecs {
		if op != engine.OpKernel {
			ops = append(ops, c.name)
		}
	}
	for n := range fileFuncs {
		funcs = append(funcs, n)
	}
	return ops, funcs
}

// LimitMemoryForTest makes the symbols' memory checks see n bytes available, until
// the returned function restores the machine's figure: fuzz targets must not
// allocate what a damaged file claims.
func LimitMemoryForTest(n uint64) (restore func()) {
	old := availableMemory
	availableMemory = func() (uint64, bool) { return n, true }
	return func() { availableMemory = old }
}
