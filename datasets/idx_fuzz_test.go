package datasets_test

import (
	"bytes"
	"testing"

	"github.com/nnopt/nnopt/datasets"
)

// FuzzReadIDX feeds arbitrary bytes, raw or gzip-wrapped, to ReadIDX: it must never
// panic, and whatever it accepts must hold exactly the elements its header promises.
func FuzzReadIDX(f *testing.F) {
	valid := idxBytes(datasets.TypeUint8, []int{2, 3}, seq(6, 1))
	f.Add(valid)
	f.Add(gzipBytes(f, valid))
	f.Add(idxBytes(datasets.TypeFloat64, []int{1, 2}, seq(16, 0)))
	f.Add(valid[:len(valid)-1])
	f.Add([]byte{0, 0, 0x08, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	sizes := map[byte]int{datasets.TypeUint8: 1, datasets.TypeInt8: 1, datasets.TypeInt16: 2,
		datasets.TypeInt32: 4, datasets.TypeFloat32: 4, datasets.TypeFloat64: 8}
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := datasets.ReadIDX(bytes.NewReader(b))
		if err != nil {
			return
		}
		size, ok := sizes[x.Type]
		if !ok {
			t.Fatalf("accepted unknown type %#02x", x.Type)
		}
		if len(x.Data) != x.Len()*size {
			t.Fatalf("dims %v of type %#02x hold %d elements, data has %d bytes", x.Dims, x.Type, x.Len(), len(x.Data))
		}
		if got := len(x.Float64s()); got != x.Len() {
			t.Fatalf("Float64s gives %d values for %d elements", got, x.Len())
		}
	})
}
