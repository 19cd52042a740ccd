package datasets_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nnopt/nnopt/datasets"
	"github.com/nnopt/nnopt/internal/testdata"
)

func TestLoadMNISTFake(t *testing.T) {
	dir := fakeMNIST(t)
	m, err := datasets.LoadMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		split  datasets.Split
		n      int
		first  uint8
		labels []uint8
	}{
		{"train", m.Train, 6, 0, []uint8{5, 0, 4, 1, 9, 2}},
		{"test", m.Test, 4, 100, []uint8{7, 2, 1, 0}},
	}
	for _, tt := range tests {
		im := tt.split.Images
		if im.N != tt.n || im.Rows != 2 || im.Cols != 3 || len(im.Pixels) != tt.n*6 {
			t.Errorf("%s: N, Rows, Cols = %d, %d, %d, %d pixels; want %d, 2, 3", tt.name, im.N, im.Rows, im.Cols, len(im.Pixels), tt.n)
		}
		if got := im.Image(1); !reflect.DeepEqual(got, seq(6, tt.first+6)) {
			t.Errorf("%s: Image(1) = %v", tt.name, got)
		}
		if !reflect.DeepEqual(tt.split.Labels, tt.labels) {
			t.Errorf("%s: labels = %v, want %v", tt.name, tt.split.Labels, tt.labels)
		}
	}
}

func TestLoadMNISTErrors(t *testing.T) {
	tests := []struct {
		name  string
		file  string // replaced in a good directory
		data  []byte
		wants []string // in the error message
	}{
		{"count mismatch", "train-labels-idx1-ubyte.gz", idxBytes(0x08, []int{5}, seq(5, 0)),
			[]string{"train-images-idx3-ubyte.gz holds 6 images", "train-labels-idx1-ubyte.gz holds 5 labels"}},
		{"label out of range", "t10k-labels-idx1-ubyte", idxBytes(0x08, []int{4}, []byte{1, 2, 10, 3}),
			[]string{"t10k-labels-idx1-ubyte: label 10 of item 2"}},
		{"images 2-D", "t10k-images-idx3-ubyte", idxBytes(0x08, []int{4, 6}, seq(24, 0)),
			[]string{"t10k-images-idx3-ubyte: IDX rank 2, want 3"}},
		{"labels 2-D", "t10k-labels-idx1-ubyte", idxBytes(0x08, []int{4, 1}, seq(4, 0)),
			[]string{"t10k-labels-idx1-ubyte: IDX rank 2, want 1"}},
		{"images not bytes", "t10k-images-idx3-ubyte", idxBytes(0x0C, []int{4, 1, 1}, make([]byte, 16)),
			[]string{"t10k-images-idx3-ubyte: IDX type byte 0x0c, want 0x08 (unsigned byte)"}},
		// A corrupt type byte or rank changes how many bytes the header
		// promises; the error must say which byte is wrong, not "truncated".
		{"type byte corrupt", "train-images-idx3-ubyte.gz", gzipBytes(t, idxBytes(0x0D, []int{6, 2, 3}, seq(36, 0))),
			[]string{"datasets: ", "train-images-idx3-ubyte.gz: IDX type byte 0x0d, want 0x08 (unsigned byte)"}},
		{"rank byte corrupt, low", "t10k-images-idx3-ubyte", withByte(idxBytes(0x08, []int{4, 2, 3}, seq(24, 100)), 3, 2),
			[]string{"t10k-images-idx3-ubyte: IDX rank 2, want 3"}},
		{"rank byte corrupt, high", "train-images-idx3-ubyte.gz", gzipBytes(t, withByte(idxBytes(0x08, []int{6, 2, 3}, seq(36, 0)), 3, 4)),
			[]string{"train-images-idx3-ubyte.gz: IDX rank 4, want 3"}},
		{"labels rank corrupt", "t10k-labels-idx1-ubyte", withByte(idxBytes(0x08, []int{4}, []byte{7, 2, 1, 0}), 3, 0),
			[]string{"t10k-labels-idx1-ubyte: IDX rank 0, want 1"}},
		{"corrupt file", "train-images-idx3-ubyte.gz", []byte("<html>not found</html>"),
			[]string{"train-images-idx3-ubyte.gz: bad magic"}},
		{"missing file", "t10k-labels-idx1-ubyte", nil,
			[]string{"neither t10k-labels-idx1-ubyte.gz nor t10k-labels-idx1-ubyte found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := fakeMNIST(t)
			if tt.data == nil {
				os.Remove(filepath.Join(dir, tt.file))
			} else {
				writeFile(t, dir, tt.file, tt.data)
			}
			_, err := datasets.LoadMNIST(dir)
			if err == nil {
				t.Fatal("no error")
			}
			for _, want := range tt.wants {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("err = %v, want it to contain %q", err, want)
				}
			}
		})
	}
}

// TestLoadMNISTShared checks the loader against the real MNIST files the
// project keeps outside the repository.
func TestLoadMNISTShared(t *testing.T) {
	m, err := datasets.LoadMNIST(testdata.MNISTDir(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		name  string
		split datasets.Split
	}{{"train", m.Train}, {"test", m.Test}} {
		im := s.split.Images
		if im.N != 10000 || im.Rows != 28 || im.Cols != 28 || len(im.Pixels) != 10000*28*28 || len(s.split.Labels) != 10000 {
			t.Errorf("%s: N, Rows, Cols = %d, %d, %d with %d pixels and %d labels; want 10000 images of 28×28",
				s.name, im.N, im.Rows, im.Cols, len(im.Pixels), len(s.split.Labels))
		}
	}
	if got, want := m.Train.Labels[:10], []uint8{5, 0, 4, 1, 9, 2, 1, 3, 1, 4}; !reflect.DeepEqual(got, want) {
		t.Errorf("first training labels = %v, want %v", got, want)
	}
	if got, want := m.Test.Labels[:5], []uint8{7, 2, 1, 0, 4}; !reflect.DeepEqual(got, want) {
		t.Errorf("first test labels = %v, want %v", got, want)
	}

	idx, err := datasets.BalancedBatch(m.Train.Labels, 50, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(idx) != 500 {
		t.Fatalf("len(idx) = %d, want 500", len(idx))
	}
	var count [10]int
	for k, i := range idx {
		count[m.Train.Labels[i]]++
		if k > 0 && i <= idx[k-1] {
			t.Fatalf("indices not ascending at %d: %d after %d", k, i, idx[k-1])
		}
	}
	if count != [10]int{50, 50, 50, 50, 50, 50, 50, 50, 50, 50} {
		t.Errorf("per-class counts = %v, want 50 each", count)
	}
	if last := idx[len(idx)-1]; last >= 1000 {
		t.Errorf("last index = %d, want < 1000", last)
	}

	x := m.Train.Images.Batch(idx, datasets.MNISTMean, datasets.MNISTStd)
	if len(x) != 500*784 {
		t.Fatalf("len(batch) = %d, want %d", len(x), 500*784)
	}
	// The top-left pixel of every MNIST digit is background. (Variables, not
	// constants: Go evaluates constant expressions exactly.)
	mean, std := 0.1307, 0.3081
	if want := (0 - mean) / std; m.Train.Images.Pixels[0] != 0 || x[0] != want {
		t.Errorf("normalized pixel 0 = %v, want %v", x[0], want)
	}
	if y := datasets.GatherLabels(m.Train.Labels, idx); y[0] != 5 || len(y) != 500 {
		t.Errorf("gathered labels start %v, len %d; want 5, 500", y[:1], len(y))
	}
}
