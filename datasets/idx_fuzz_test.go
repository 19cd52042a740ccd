package datasets_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/nnopt/nnopt/datasets"
)

// FuzzReadIDX feeds arbitrary bytes, raw or gzip-wrapped, to ReadIDX: it must never
// panic, and whatever it accepts must hold exactly the elements its header promises.
// Each input is read twice, from a *bytes.Reader, whose size ReadIDX checks the
// header against, and as a stream of unknown size, read as the data arrive: the
// two must agree, since the size check may only refuse early what reading
// would refuse anyway.
func FuzzReadIDX(f *testing.F) {
	valid := idxBytes(datasets.TypeUint8, []int{2, 3}, seq(6, 1))
	f.Add(valid)
	f.Add(gzipBytes(f, valid))
	f.Add(idxBytes(datasets.TypeFloat64, []int{1, 2}, seq(16, 0)))
	f.Add(valid[:len(valid)-1])
	f.Add(gzipBytes(f, valid[:len(valid)-1]))
	f.Add([]byte{0, 0, 0x08, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Add(gzipBytes(f, idxBytes(datasets.TypeUint8, []int{1 << 31, 28, 28}, make([]byte, 4096))))
	sizes := map[byte]int{datasets.TypeUint8: 1, datasets.TypeInt8: 1, datasets.TypeInt16: 2,
		datasets.TypeInt32: 4, datasets.TypeFloat32: 4, datasets.TypeFloat64: 8}
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := datasets.ReadIDX(bytes.NewReader(b))
		xs, errs := datasets.ReadIDX(stream{bytes.NewReader(b)})
		if (err == nil) != (errs == nil) {
			t.Fatalf("sized read: %v; streamed read: %v", err, errs)
		}
		if err != nil {
			return
		}
		if !reflect.DeepEqual(x, xs) {
			t.Fatalf("sized read gives type %#02x dims %v, streamed read %#02x %v", x.Type, x.Dims, xs.Type, xs.Dims)
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
		// Reading what was accepted as a raw file again, rewritten from its
		// parts, must give the same array.
		again, err := datasets.ReadIDX(bytes.NewReader(idxBytes(x.Type, x.Dims, x.Data)))
		if err != nil || !reflect.DeepEqual(again, x) {
			t.Fatalf("re-encoded array reads back as %v, %v", again, err)
		}
	})
}
